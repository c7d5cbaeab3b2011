import type { Rng } from '../../platform/random.ts';
import { arimaForecast, fitArima, type ArimaState } from './arima.ts';
import { autoEts } from './ets-fit.ts';
import { etsForecast, type EtsParams, type EtsSpec } from './ets.ts';
import type { Forecast } from './forecast.ts';
import type { Frequency } from './frequency.ts';
import { fitHarmonic, harmonicForecast, type HarmonicState } from './harmonic-regression.ts';
import { fitSeasonalNaive, seasonalNaiveForecast, type SeasonalNaiveState } from './seasonal-naive.ts';
import { fitTheta, thetaForecast, type ThetaState } from './theta.ts';

/**
 * The per-series statistical models behind one name each, with JSON-safe fitted states, so the forecaster,
 * the backtests and the artefact treat them alike.
 */
export const STATISTICAL_MODELS = ['seasonal_naive', 'ets', 'theta', 'harmonic', 'arima'] as const;
export type StatisticalModel = (typeof STATISTICAL_MODELS)[number];

export interface EtsSnapshot {
  spec: EtsSpec;
  params: EtsParams;
  level: number;
  slope: number;
  seasonal: number[];
  n: number;
  sigma2: number;
}

export type FittedModel =
  | { model: 'seasonal_naive'; state: SeasonalNaiveState }
  | { model: 'ets'; state: EtsSnapshot }
  | { model: 'theta'; state: ThetaState }
  | { model: 'harmonic'; state: HarmonicState }
  | { model: 'arima'; state: ArimaState };

/** What a model may need besides the values: the grid, the first date, the seasonal periods. */
export interface SeriesContext {
  frequency: Frequency;
  start: string;
  seasonalities: readonly number[];
  /** Shortest whole seasonal period, for seasonal naive, ETS and Theta. */
  period: number;
  /** Theta's coefficient (theta-choice.ts); the classic 2 when not given. */
  theta?: number;
}

/**
 * Harmonic regression earns its keep with several or long seasonalities; below a week of periods ETS is enough.
 * ARIMA joins on seasonal data only: on yearly data it forecast clearly worse than ETS on the competition's training
 * part (held-out last horizon), as the competition itself found naive forecasts hard to beat there.
 */
export function modelsFor(context: Pick<SeriesContext, 'seasonalities' | 'period'>): StatisticalModel[] {
  if (severalSeasonalities(context)) return ['seasonal_naive', 'ets', 'theta', 'harmonic'];
  return context.period > 1 ? ['seasonal_naive', 'ets', 'theta', 'arima'] : ['seasonal_naive', 'ets', 'theta'];
}

/** Several seasonal periods, or one too long for the per-season states of ETS and seasonal ARIMA (daily, weekly). */
export function severalSeasonalities(context: Pick<SeriesContext, 'seasonalities'>): boolean {
  return context.seasonalities.length > 1 || context.seasonalities.some((p) => p > 24);
}

export function fitModel(model: StatisticalModel, y: Float64Array, context: SeriesContext): FittedModel {
  switch (model) {
    case 'seasonal_naive':
      return { model, state: fitSeasonalNaive(y, context.period) };
    case 'ets': {
      // ETS seasonality beyond 24 periods has too many initial states to estimate well (as R's ets refuses).
      const fit = autoEts(y, context.period <= 24 ? context.period : 1);
      return { model, state: { spec: fit.spec, params: fit.params, level: fit.state.level, slope: fit.state.slope, seasonal: Array.from(fit.state.seasonal), n: fit.n, sigma2: fit.sigma2 } };
    }
    case 'theta':
      return { model, state: fitTheta(y, context.period, context.theta) };
    case 'harmonic':
      return { model, state: fitHarmonic(y, context.frequency, context.start, context.seasonalities) };
    case 'arima':
      return { model, state: fitArima(y, context.period) };
  }
}

export function forecastModel(fitted: FittedModel, horizon: number, rng: Rng): Forecast {
  switch (fitted.model) {
    case 'seasonal_naive':
      return seasonalNaiveForecast(fitted.state, horizon);
    case 'ets': {
      const s = fitted.state;
      return etsForecast(s.spec, s.params, { level: s.level, slope: s.slope, seasonal: Float64Array.from(s.seasonal) }, s.n, s.sigma2, horizon, rng);
    }
    case 'theta':
      return thetaForecast(fitted.state, horizon);
    case 'harmonic':
      return harmonicForecast(fitted.state, horizon);
    case 'arima':
      return arimaForecast(fitted.state, horizon);
  }
}
