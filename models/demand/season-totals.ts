import { FORECAST_PATHS, mapPaths, type Forecast } from './forecast.ts';
import { CLASSIC_THETA, fitTheta, thetaForecast, type ThetaState } from './theta.ts';

/**
 * A two-level temporal hierarchy (Athanasopoulos, Hyndman, Kourentzes & Petropoulos 2017, "Forecasting with
 * temporal hierarchies"): the series at its own frequency and its totals per season (a year of months or quarters).
 * The totals are forecast on their own, by Theta: summed over a year, the season is gone and the trend is what is
 * left to extrapolate, which a trended model does better on a few yearly points than ETS does while it also tracks
 * the season. Each whole season of a member's forecast is then reconciled with the forecast total by ordinary least
 * squares over the hierarchy: the member's shape within the season is kept, and its level moves most of the way
 * towards the forecast total.
 */
export interface SeasonTotalsState {
  period: number;
  theta: ThetaState;
}

/** Fewest whole seasons worth forecasting as totals; with fewer, members are left as they are. */
export const MIN_SEASONS = 3;

/** Totals of the whole seasons that end at the last observation (a partial first season is left out). */
export function seasonTotals(y: ArrayLike<number>, period: number): Float64Array {
  const seasons = Math.floor(y.length / period);
  const offset = y.length - seasons * period;
  const totals = new Float64Array(seasons);
  for (let s = 0; s < seasons; s++) for (let j = 0; j < period; j++) totals[s] += y[offset + s * period + j];
  return totals;
}

/**
 * Theta fitted on the seasonal totals, or undefined without a season or enough of them. θ is the one the fit chose
 * for its Theta member (theta-choice.ts): how much of the long-run slope these data carry on.
 */
export function fitSeasonTotals(y: ArrayLike<number>, period: number, theta = CLASSIC_THETA): SeasonTotalsState | undefined {
  if (!(period > 1) || y.length < MIN_SEASONS * period) return undefined;
  return { period, theta: fitTheta(seasonTotals(y, period), 1, theta) };
}

/** The forecast totals of the next `seasons` seasons. */
export function forecastSeasonTotals(state: SeasonTotalsState, seasons: number): Float64Array {
  return thetaForecast(state.theta, seasons).mean;
}

/**
 * A forecast reconciled with forecast season totals: in each whole season of the horizon, with member values b and
 * total forecast A, OLS over the hierarchy [Σ; I] adds (A − Σb) / (period + 1) to every step, bounds alike (a
 * shift of level, not of spread). A partial last season is left as it is. The input is not modified.
 */
export function reconcileWithTotals(forecast: Forecast, totals: ArrayLike<number>, period: number): Forecast {
  const out = mapPaths(forecast, (path) => Float64Array.from(path));
  const seasons = Math.min(Math.floor(forecast.mean.length / period), totals.length);
  for (let s = 0; s < seasons; s++) {
    let sum = 0;
    for (let j = 0; j < period; j++) sum += forecast.mean[s * period + j];
    const shift = (totals[s] - sum) / (period + 1);
    if (!Number.isFinite(shift)) continue;
    for (const key of FORECAST_PATHS) for (let j = 0; j < period; j++) out[key][s * period + j] += shift;
  }
  return out;
}

/** Whole seasons that cover a horizon: members forecast this far, so that every step is reconciled. */
export function coveringHorizon(horizon: number, period: number): number {
  return Math.ceil(horizon / period) * period;
}
