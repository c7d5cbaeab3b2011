import { substream } from '../../platform/random.ts';
import { backtestCutoffs, rollingOriginBacktest, type BacktestScore, type HistoryForecaster } from './backtest.ts';
import { bestModel, inverseErrorWeights } from './ensemble.ts';
import { clipAtZero, combineForecasts, type Forecast } from './forecast.ts';
import { fitModel, forecastModel, modelsFor, type FittedModel, type SeriesContext, type StatisticalModel } from './statistical-models.ts';

/**
 * Everything learned about one series: each statistical model fitted on the whole history, their rolling-origin
 * backtest scores, the combination weights and the single best model drawn from those scores.
 */
export interface SeriesFit {
  id: string;
  start: string;
  n: number;
  models: FittedModel[];
  backtest: Record<string, BacktestScore>;
  weights: Record<string, number>;
  best: string;
  /** Seconds spent per model (backtests and final fit), to see where fitting time goes. */
  seconds: Record<string, number>;
}

export interface BacktestPlan {
  horizon: number;
  origins: number;
  /** Periods between two cut-offs. */
  step: number;
  /** Sharpness of the combination weights, 1 / MASE^power (see ensemble.ts). */
  weightPower: number;
}

/** Fewest observations a backtest cut-off must leave to fit on: two seasons, or 6 for non-seasonal data. */
export function minTrainLength(period: number): number {
  return Math.max(6, 2 * period);
}

export function seriesCutoffs(n: number, period: number, plan: BacktestPlan): number[] {
  return backtestCutoffs(n, plan.horizon, plan.origins, plan.step, minTrainLength(period));
}

/**
 * Fits one series. `external` holds forecasts of models fitted elsewhere (the global neural model), one per cut-off
 * of `seriesCutoffs`, so they are scored and weighted with the statistical models.
 */
export function fitSeries(
  series: { id: string; start: string; values: Float64Array },
  context: SeriesContext,
  plan: BacktestPlan,
  seed: number,
  external: Record<string, Forecast[]> = {},
): SeriesFit {
  const y = series.values;
  const cutoffs = seriesCutoffs(y.length, context.period, plan);
  const names: StatisticalModel[] = modelsFor(context);
  const seconds: Record<string, number> = {};
  const forecasters: Record<string, HistoryForecaster> = {};
  for (const name of names) {
    forecasters[name] = (history, cut) => {
      const rng = substream(seed, `${series.id}/${name}/${cut}`);
      return clipAtZero(forecastModel(fitModel(name, history, context), plan.horizon, rng));
    };
  }
  for (const [name, forecasts] of Object.entries(external)) {
    forecasters[name] = (_history, cut) => forecasts[cutoffs.indexOf(cut)];
  }
  const backtest: Record<string, BacktestScore> = {};
  for (const [name, forecaster] of Object.entries(forecasters)) {
    const t0 = performance.now();
    Object.assign(backtest, rollingOriginBacktest(y, cutoffs, plan.horizon, context.period, { [name]: forecaster }));
    seconds[name] = (performance.now() - t0) / 1000;
  }
  const models = names.map((name) => {
    const t0 = performance.now();
    const fitted = fitModel(name, y, context);
    seconds[name] += (performance.now() - t0) / 1000;
    return fitted;
  });
  const all = Object.keys(forecasters);
  return { id: series.id, start: series.start, n: y.length, models, backtest, weights: inverseErrorWeights(backtest, all, plan.weightPower), best: bestModel(backtest, all, 'ets'), seconds };
}

/** How a series' forecast is made; `nbeats` is the global network, when the forecaster trained one. */
export type Strategy = 'ensemble' | 'best' | StatisticalModel | 'nbeats';

/**
 * The forecast of a fitted series: the backtest-weighted combination, the best model, or one named model.
 * `external` gives forecasts of models fitted elsewhere for this horizon; a model missing there (a horizon beyond
 * what the neural model was trained for) drops out and the other weights are renormalised.
 */
export function forecastSeries(fit: SeriesFit, horizon: number, strategy: Strategy, seed: number, external: Record<string, Forecast> = {}): Forecast {
  const rng = (model: string) => substream(seed, `${fit.id}/${model}/final`);
  const own = (model: string): Forecast | undefined => {
    const fitted = fit.models.find((m) => m.model === model);
    return fitted ? clipAtZero(forecastModel(fitted, horizon, rng(model))) : external[model];
  };
  if (strategy !== 'ensemble') {
    const chosen = strategy === 'best' ? fit.best : strategy;
    return own(chosen) ?? own('ets')!;
  }
  const forecasts: Forecast[] = [];
  const weights: number[] = [];
  for (const [model, weight] of Object.entries(fit.weights)) {
    if (weight <= 0) continue;
    const f = own(model);
    if (!f) continue;
    forecasts.push(f);
    weights.push(weight);
  }
  return forecasts.length ? combineForecasts(forecasts, weights) : own('ets')!;
}
