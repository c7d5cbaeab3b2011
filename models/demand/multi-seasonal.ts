import { clipAtZero, emptyForecast, type Forecast } from './forecast.ts';
import { mainPeriod, type Frequency } from './frequency.ts';
import { intermittentMean } from './intermittent.ts';
import { fitSeasonalNaive, seasonalNaiveForecast } from './seasonal-naive.ts';
import { sharedHarmonicMean } from './shared-harmonic.ts';

/**
 * The forecaster for daily and weekly demand (several seasonalities: weekdays and the year, or weeks of the year):
 * a few cheap candidates per series, one chosen on a validation window carved from the end of the history, then
 * refitted on all of it. Intervals are split-conformal: the quantiles of the chosen candidate's validation errors,
 * so they hold for counts with zeros and skew where Gaussian bounds do not.
 *
 * Candidates: harmonic regression (Fourier terms per seasonality + Peru's calendar events, AR(1) errors) on the
 * values and on log(1 + values) (multiplicative seasons, as seasons × weekday × holiday uplifts are); the
 * recent profile (mean of the same phase of the short season over the last cycles); intermittent TSB per phase;
 * and the average of the log-harmonic regression and the recent profile.
 */
export const MULTI_SEASONAL_CANDIDATES = ['harmonic', 'harmonic_log', 'recent_profile', 'intermittent', 'harmonic_log_profile', 'seasonal_naive'] as const;
export type MultiSeasonalCandidate = (typeof MULTI_SEASONAL_CANDIDATES)[number];

export interface MultiSeasonalOptions {
  frequency: Frequency;
  seasonalities: readonly number[];
  horizon: number;
  /** Length of each validation window at the end of the history (default: the horizon, at least 13 periods). */
  validation?: number;
}

export interface MultiSeasonalResult {
  chosen: MultiSeasonalCandidate;
  /** Mean absolute error of each candidate on the validation window. */
  validationError: Record<MultiSeasonalCandidate, number>;
  forecast: Forecast;
}

/** Cycles of the short season averaged by the recent profile: a month of weekdays, or a month of weeks. */
const PROFILE_CYCLES = 4;

function recentProfile(y: ArrayLike<number>, period: number, horizon: number): Float64Array {
  const m = y.length >= PROFILE_CYCLES * period ? period : 1;
  const count = Math.max(1, Math.min(PROFILE_CYCLES, Math.floor(y.length / m)));
  const profile = Array.from({ length: m }, (_, phase) => {
    let sum = 0;
    for (let c = 0; c < count; c++) sum += y[y.length - m + phase - c * m];
    return sum / count;
  });
  return Float64Array.from({ length: horizon }, (_, h) => profile[h % m]);
}

function harmonicMean(y: Float64Array, options: MultiSeasonalOptions, start: string, log: boolean, horizon: number): Float64Array {
  const values = log ? y.map((v) => Math.log1p(v)) : y;
  const mean = sharedHarmonicMean(values, options.frequency, start, options.seasonalities, horizon);
  if (!log) return mean;
  // Back from logs, exp of the mean is the median: closer to absolute-error optimal than the mean for skewed counts.
  // A log trend fitted on a short ramp-up grows exponentially: it may not run past twice the busiest day seen.
  let busiest = 0;
  for (let t = 0; t < y.length; t++) busiest = Math.max(busiest, y[t]);
  return mean.map((v) => Math.min(Math.expm1(v), 2 * busiest));
}

/** Mean path of one candidate fitted on `y` (which starts on `start`). */
export function candidateMean(candidate: MultiSeasonalCandidate, y: Float64Array, start: string, options: MultiSeasonalOptions, horizon: number): Float64Array {
  const period = mainPeriod(options.seasonalities);
  switch (candidate) {
    case 'harmonic':
      return harmonicMean(y, options, start, false, horizon);
    case 'harmonic_log':
      return harmonicMean(y, options, start, true, horizon);
    case 'recent_profile':
      return recentProfile(y, period, horizon);
    case 'intermittent':
      return intermittentMean(y, period, horizon);
    case 'harmonic_log_profile': {
      const profile = recentProfile(y, period, horizon);
      return harmonicMean(y, options, start, true, horizon).map((v, h) => (v + profile[h]) / 2);
    }
    case 'seasonal_naive':
      return seasonalNaiveForecast(fitSeasonalNaive(y, period), horizon).mean;
  }
}

/** Mean paths of every candidate, fitted on `y` (which starts on `start`). */
function candidateMeans(y: Float64Array, start: string, options: MultiSeasonalOptions, horizon: number): Record<MultiSeasonalCandidate, Float64Array> {
  const period = mainPeriod(options.seasonalities);
  const harmonic = harmonicMean(y, options, start, false, horizon);
  const harmonicLog = harmonicMean(y, options, start, true, horizon);
  const profile = recentProfile(y, period, horizon);
  const naive = seasonalNaiveForecast(fitSeasonalNaive(y, period), horizon).mean;
  return {
    harmonic,
    harmonic_log: harmonicLog,
    recent_profile: profile,
    intermittent: intermittentMean(y, period, horizon),
    harmonic_log_profile: harmonicLog.map((v, h) => (v + profile[h]) / 2),
    seasonal_naive: naive,
  };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Validation windows: two back-to-back windows give twice the errors for choosing and for the bounds. */
const ORIGINS = 2;
/** Shortest validation window: a quarter of a year of weeks, so a weekly series' bounds rest on enough errors. */
const MIN_VALIDATION = 13;

/** Offsets of the 80% and 95% bounds from the mean: split-conformal quantiles of a candidate's validation errors. */
export interface ConformalBounds {
  lo95: number;
  lo80: number;
  hi80: number;
  hi95: number;
}

/** What validation chose for one series: the candidate, each candidate's error and bounds (so any of them can forecast). */
export interface MultiSeasonalChoice {
  chosen: MultiSeasonalCandidate;
  /** Mean absolute error of each candidate on the validation windows. */
  validationError: Record<MultiSeasonalCandidate, number>;
  bounds: Record<MultiSeasonalCandidate, ConformalBounds>;
}

function conformalBounds(signed: number[]): ConformalBounds {
  const errors = [...signed].sort((x, y) => x - y);
  // Split-conformal levels with the finite-sample correction: the k-th of n errors covers k/(n+1) of a new one.
  const at = (q: number) => quantile(errors, Math.max(0, Math.min(1, (q * (errors.length + 1) - 1) / Math.max(1, errors.length - 1))));
  return { lo95: at(0.025), lo80: at(0.1), hi80: at(0.9), hi95: at(0.975) };
}

/** Validate every candidate on the windows at the end of the history and choose the one with the least error. */
export function chooseMultiSeasonal(values: Float64Array, start: string, options: MultiSeasonalOptions): MultiSeasonalChoice {
  const { horizon } = options;
  const validation = Math.max(1, Math.min(options.validation ?? Math.max(horizon, MIN_VALIDATION), Math.floor(values.length / (2 * ORIGINS))));
  const absolute = Object.fromEntries(MULTI_SEASONAL_CANDIDATES.map((c) => [c, 0])) as Record<MultiSeasonalCandidate, number>;
  const signed = Object.fromEntries(MULTI_SEASONAL_CANDIDATES.map((c) => [c, [] as number[]])) as Record<MultiSeasonalCandidate, number[]>;
  for (let origin = 1; origin <= ORIGINS; origin++) {
    const cutoff = values.length - origin * validation;
    const actual = values.subarray(cutoff, cutoff + validation);
    const means = candidateMeans(values.subarray(0, cutoff), start, options, validation);
    for (const candidate of MULTI_SEASONAL_CANDIDATES) {
      for (let i = 0; i < validation; i++) {
        const error = actual[i] - Math.max(0, means[candidate][i]);
        absolute[candidate] += Math.abs(error);
        signed[candidate].push(error);
      }
    }
  }
  const validationError = {} as Record<MultiSeasonalCandidate, number>;
  const bounds = {} as Record<MultiSeasonalCandidate, ConformalBounds>;
  let chosen: MultiSeasonalCandidate = 'seasonal_naive';
  let best = Infinity;
  for (const candidate of MULTI_SEASONAL_CANDIDATES) {
    validationError[candidate] = absolute[candidate] / (ORIGINS * validation);
    bounds[candidate] = conformalBounds(signed[candidate]);
    if (validationError[candidate] < best) {
      best = validationError[candidate];
      chosen = candidate;
    }
  }
  return { chosen, validationError, bounds };
}

/**
 * A candidate refitted on the whole history, bounded by its validation errors. Errors nearly all on one side (seasonal
 * naive on a rising series) would put both bounds on that side of the forecast: each range is widened to hold it.
 */
export function multiSeasonalForecast(values: Float64Array, start: string, options: MultiSeasonalOptions, candidate: MultiSeasonalCandidate, bounds: ConformalBounds, horizon: number): Forecast {
  const mean = candidateMean(candidate, values, start, options, horizon);
  const forecast = emptyForecast(horizon);
  for (let h = 0; h < horizon; h++) {
    const m = Math.max(0, mean[h]);
    forecast.mean[h] = m;
    forecast.lo80[h] = m + Math.min(0, bounds.lo80);
    forecast.hi80[h] = m + Math.max(0, bounds.hi80);
    forecast.lo95[h] = Math.min(forecast.lo80[h], m + bounds.lo95);
    forecast.hi95[h] = Math.max(forecast.hi80[h], m + bounds.hi95);
  }
  return clipAtZero(forecast);
}

/** Forecast of one series: validate, choose, refit on the whole history, bound by the validation errors. */
export function forecastMultiSeasonal(values: Float64Array, start: string, options: MultiSeasonalOptions): MultiSeasonalResult {
  const { chosen, validationError, bounds } = chooseMultiSeasonal(values, start, options);
  return { chosen, validationError, forecast: multiSeasonalForecast(values, start, options, chosen, bounds[chosen], options.horizon) };
}
