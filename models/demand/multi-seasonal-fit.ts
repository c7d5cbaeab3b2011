import { decodeFloat64, encodeFloat64 } from '../contract.ts';
import { seasonalNaiveScale } from './accuracy.ts';
import type { Forecast } from './forecast.ts';
import { mainPeriod } from './frequency.ts';
import { chooseMultiSeasonal, MULTI_SEASONAL_CANDIDATES, multiSeasonalForecast, type ConformalBounds, type MultiSeasonalCandidate, type MultiSeasonalOptions } from './multi-seasonal.ts';

/**
 * What `DemandForecaster` keeps of a daily or weekly series: its history (every candidate refits on it when asked
 * for another horizon, so forecasts of any length come from the same model), the candidate its validation windows
 * chose, and each candidate's validation error and conformal bounds, so a query may name another candidate.
 */
export interface MultiSeasonalFit {
  id: string;
  start: string;
  n: number;
  /** The history, base64 Float64 (exact through JSON). */
  values: string;
  chosen: MultiSeasonalCandidate;
  /** Validation mean absolute error / the in-sample seasonal naive error; NaN (null in JSON) for a flat history. */
  validationMase: Record<MultiSeasonalCandidate, number | null>;
  bounds: Record<MultiSeasonalCandidate, ConformalBounds>;
  seconds: number;
}

export function fitMultiSeasonalSeries(series: { id: string; start: string; values: Float64Array }, options: MultiSeasonalOptions): MultiSeasonalFit {
  const t0 = performance.now();
  const choice = chooseMultiSeasonal(series.values, series.start, options);
  const scale = seasonalNaiveScale(series.values, mainPeriod(options.seasonalities));
  const validationMase = Object.fromEntries(MULTI_SEASONAL_CANDIDATES.map((c) => [c, scale > 0 ? choice.validationError[c] / scale : null])) as Record<MultiSeasonalCandidate, number | null>;
  return {
    id: series.id,
    start: series.start,
    n: series.values.length,
    values: encodeFloat64(series.values),
    chosen: choice.chosen,
    validationMase,
    bounds: choice.bounds,
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The forecast of a fitted series by its chosen candidate, or by `candidate`. */
export function forecastMultiSeasonalFit(fit: MultiSeasonalFit, values: Float64Array, options: MultiSeasonalOptions, horizon: number, candidate = fit.chosen): Forecast {
  return multiSeasonalForecast(values, fit.start, options, candidate, fit.bounds[candidate], horizon);
}

export function historyOf(fit: MultiSeasonalFit): Float64Array {
  return decodeFloat64(fit.values);
}
