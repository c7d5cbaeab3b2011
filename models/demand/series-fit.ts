import { substream } from '../../platform/random.ts';
import { backtestCutoffs, backtestForecasts, robustScale, scoreBacktest, type BacktestScore } from './backtest.ts';
import { bestModel, combineModels, inverseErrorWeights, type Combination } from './ensemble.ts';
import { clipAtZero, combineForecasts, firstSteps, type Forecast } from './forecast.ts';
import { coveringHorizon, fitSeasonTotals, forecastSeasonTotals, reconcileWithTotals, type SeasonTotalsState } from './season-totals.ts';
import { fitModel, forecastModel, modelsFor, severalSeasonalities, type FittedModel, type SeriesContext, type StatisticalModel } from './statistical-models.ts';

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
  /**
   * Validation MASE of each candidate combination on the latest cut-off, its weights drawn from the earlier cut-offs
   * only (absent with fewer than two cut-offs, and in artefacts older than the choice).
   */
  combinationValidation?: Record<string, number>;
  /** Seconds spent per model (backtests and final fit), to see where fitting time goes. */
  seconds: Record<string, number>;
  /** The season totals its members are reconciled with (season-totals.ts); absent without a season or enough of them. */
  seasonTotals?: SeasonTotalsState;
  /**
   * The members reconciled with them when it was fitted, so a stored fit forecasts as it was backtested and weighed
   * (and reproduces its fingerprint) whatever later code reconciles. Absent in artefacts from before ARIMA was: ETS.
   */
  reconciled?: string[];
}

/**
 * Members whose forecasts are reconciled with the season totals: ETS and ARIMA. Reconciled, each gained on the
 * competition's training part (held-out horizons), and so did the combination, on monthly and quarterly data and
 * on both held-out horizons. Reconciling Theta as well (whose own drift forecasts the totals) helped one horizon and
 * hurt the other; reconciling every member pulls them all to one total, and the combination, which averages several
 * members' levels, lost more than it gained.
 */
const RECONCILED = ['ets', 'arima'];
/** What fits stored before `reconciled` was recorded reconciled. */
const RECONCILED_BEFORE_RECORDED = ['ets'];

/**
 * A member's forecast over whole seasons, reconciled with the season totals forecast from the same history; the
 * first `horizon` steps of it. `forecast(h)` forecasts h steps; without totals the member is left as it is.
 */
function reconciledForecast(model: string, forecast: (horizon: number) => Forecast | undefined, totals: SeasonTotalsState | undefined, horizon: number, reconciled: readonly string[]): Forecast | undefined {
  if (!totals || !reconciled.includes(model)) return forecast(horizon);
  const whole = forecast(coveringHorizon(horizon, totals.period));
  if (!whole) return undefined;
  const seasons = Math.floor(whole.mean.length / totals.period);
  return firstSteps(clipAtZero(reconcileWithTotals(whole, forecastSeasonTotals(totals, seasons), totals.period)), horizon);
}

export interface BacktestPlan {
  horizon: number;
  origins: number;
  /** Periods between two cut-offs. */
  step: number;
  /** Sharpness of the combination weights, 1 / MASE^power (see ensemble.ts). */
  weightPower: number;
  /** Combinations to score on validation (see ensemble.ts). */
  combinations: readonly Combination[];
}

/** Fewest observations a backtest cut-off must leave to fit on: two seasons, or 6 for non-seasonal data. */
export function minTrainLength(period: number): number {
  return Math.max(6, 2 * period);
}

export function seriesCutoffs(n: number, period: number, plan: BacktestPlan): number[] {
  return backtestCutoffs(n, plan.horizon, plan.origins, plan.step, minTrainLength(period));
}

/**
 * What fitting one series' statistical members yields, before any scoring: each member fitted on the whole history,
 * and its forecast from every cut-off of `seriesCutoffs`. This is the costly part of a fit, done on worker threads
 * while the calling thread trains the network (demand-forecaster.ts); `scoreSeries` then weighs them together.
 */
export interface MemberFits {
  id: string;
  start: string;
  n: number;
  models: FittedModel[];
  /** Each member's forecasts, one per backtest cut-off, earliest first. */
  backtests: Record<string, Forecast[]>;
  seconds: Record<string, number>;
  seasonTotals?: SeasonTotalsState;
}

export function fitMembers(series: { id: string; start: string; values: Float64Array }, context: SeriesContext, plan: BacktestPlan, seed: number): MemberFits {
  const y = series.values;
  const cutoffs = seriesCutoffs(y.length, context.period, plan);
  // One season-totals forecast per cut-off, shared by the members; only for one season of at most 24 periods (months,
  // quarters), where the totals are years: daily and weekly data keep their members as they are.
  const totalsPeriod = severalSeasonalities(context) ? 1 : context.period;
  const totalsAt = new Map<number, SeasonTotalsState | undefined>();
  const totalsFor = (history: Float64Array, cut: number) => {
    if (!totalsAt.has(cut)) totalsAt.set(cut, fitSeasonTotals(history, totalsPeriod, context.theta));
    return totalsAt.get(cut);
  };
  const seconds: Record<string, number> = {};
  const backtests: Record<string, Forecast[]> = {};
  const models = modelsFor(context).map((name) => {
    const t0 = performance.now();
    backtests[name] = backtestForecasts(y, cutoffs, (history, cut) => {
      const rng = substream(seed, `${series.id}/${name}/${cut}`);
      const fitted = fitModel(name, history, context);
      return reconciledForecast(name, (h) => clipAtZero(forecastModel(fitted, h, rng)), totalsFor(history, cut), plan.horizon, RECONCILED)!;
    });
    const fitted = fitModel(name, y, context);
    seconds[name] = (performance.now() - t0) / 1000;
    return fitted;
  });
  return { id: series.id, start: series.start, n: y.length, models, backtests, seconds, seasonTotals: fitSeasonTotals(y, totalsPeriod, context.theta) };
}

/**
 * Scores a series' members on their backtests, with `external` forecasts of models fitted elsewhere (the global
 * network, one forecast per cut-off, never reconciled), into its fit: scores, combination weights, the best member
 * and each combination's validation.
 */
export function scoreSeries(members: MemberFits, y: Float64Array, period: number, plan: BacktestPlan, external: Record<string, Forecast[]> = {}): SeriesFit {
  const cutoffs = seriesCutoffs(y.length, period, plan);
  const forecasts: Record<string, Forecast[]> = { ...members.backtests, ...external };
  const backtest: Record<string, BacktestScore> = {};
  for (const [name, paths] of Object.entries(forecasts)) backtest[name] = scoreBacktest(y, cutoffs, plan.horizon, period, paths);
  const all = Object.keys(forecasts);
  const seconds = { ...members.seconds, ...Object.fromEntries(Object.keys(external).map((name) => [name, 0])) };
  return {
    id: members.id,
    start: members.start,
    n: members.n,
    models: members.models,
    backtest,
    weights: inverseErrorWeights(backtest, all, plan.weightPower),
    best: bestModel(backtest, all, 'ets'),
    combinationValidation: validateCombinations(y, cutoffs, plan, period, forecasts),
    seconds,
    seasonTotals: members.seasonTotals,
    reconciled: members.seasonTotals ? RECONCILED : undefined,
  };
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
  return scoreSeries(fitMembers(series, context, plan, seed), series.values, context.period, plan, external);
}

/**
 * Scores each combination on the latest cut-off with weights from the earlier cut-offs only, so the choice of a
 * combination is itself judged out of sample (the final weights then use every cut-off).
 */
export function validateCombinations(y: Float64Array, cutoffs: readonly number[], plan: BacktestPlan, period: number, forecasts: Record<string, Forecast[]>): Record<string, number> | undefined {
  if (cutoffs.length < 2) return undefined;
  const k = cutoffs.length - 1;
  const earlier: Record<string, BacktestScore> = {};
  const latest: Record<string, Forecast> = {};
  for (const [name, paths] of Object.entries(forecasts)) {
    earlier[name] = scoreBacktest(y, cutoffs.slice(0, k), plan.horizon, period, paths.slice(0, k));
    latest[name] = paths[k];
  }
  const cut = cutoffs[k];
  const scale = robustScale(y.subarray(0, cut), period);
  const out: Record<string, number> = {};
  for (const combination of plan.combinations) {
    const f = combineModels(combination, latest, earlier);
    if (!f) continue;
    let sum = 0;
    for (let h = 0; h < plan.horizon; h++) sum += Math.abs(y[cut + h] - f.mean[h]);
    out[combination] = sum / plan.horizon / scale;
  }
  return out;
}

/** How a series' forecast is made; `nbeats` is the global network, when the forecaster trained one. */
export type Strategy = 'ensemble' | 'best' | StatisticalModel | 'nbeats';

/**
 * The forecast of a fitted series: the combination chosen on validation (or, without one, the backtest-weighted
 * combination of `fit.weights`), the best model, or one named model.
 * `external` gives forecasts of models fitted elsewhere for this horizon; a model missing there (a horizon beyond
 * what the neural model was trained for) drops out and the other weights are renormalised.
 */
export function forecastSeries(fit: SeriesFit, horizon: number, strategy: Strategy, seed: number, external: Record<string, Forecast> = {}, combination?: Combination): Forecast {
  const rng = (model: string) => substream(seed, `${fit.id}/${model}/final`);
  const own = (model: string): Forecast | undefined => {
    const fitted = fit.models.find((m) => m.model === model);
    const forecast = (h: number) => (fitted ? clipAtZero(forecastModel(fitted, h, rng(model))) : external[model]);
    return reconciledForecast(model, forecast, fit.seasonTotals, horizon, fit.reconciled ?? RECONCILED_BEFORE_RECORDED);
  };
  if (strategy !== 'ensemble') {
    const chosen = strategy === 'best' ? fit.best : strategy;
    return own(chosen) ?? own('ets')!;
  }
  if (combination) {
    const members = Object.fromEntries(Object.keys(fit.weights).map((model) => [model, own(model)]));
    return combineModels(combination, members, fit.backtest) ?? own('ets')!;
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
