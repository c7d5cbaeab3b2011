/**
 * The one shape every forecaster returns (after statsforecast): the mean path and 80%/95% bounds per step,
 * so callers never special-case a model.
 */
export interface Forecast {
  mean: Float64Array;
  lo80: Float64Array;
  hi80: Float64Array;
  lo95: Float64Array;
  hi95: Float64Array;
}

/** The paths of a forecast, mean first. */
export const FORECAST_PATHS = ['mean', 'lo80', 'hi80', 'lo95', 'hi95'] as const;

/** A forecast whose every path is `fn` of the same path of `f`. */
export function mapPaths(f: Forecast, fn: (path: Float64Array) => Float64Array): Forecast {
  return { mean: fn(f.mean), lo80: fn(f.lo80), hi80: fn(f.hi80), lo95: fn(f.lo95), hi95: fn(f.hi95) };
}

/** Standard normal quantiles of the two-sided 80% and 95% intervals. */
export const Z80 = 1.2815515655446004;
export const Z95 = 1.959963984540054;

export function emptyForecast(horizon: number): Forecast {
  return {
    mean: new Float64Array(horizon),
    lo80: new Float64Array(horizon),
    hi80: new Float64Array(horizon),
    lo95: new Float64Array(horizon),
    hi95: new Float64Array(horizon),
  };
}

/** Gaussian bounds around a mean path from the forecast standard deviation of each step. */
export function normalForecast(mean: ArrayLike<number>, sd: ArrayLike<number>): Forecast {
  const f = emptyForecast(mean.length);
  for (let h = 0; h < mean.length; h++) {
    f.mean[h] = mean[h];
    f.lo80[h] = mean[h] - Z80 * sd[h];
    f.hi80[h] = mean[h] + Z80 * sd[h];
    f.lo95[h] = mean[h] - Z95 * sd[h];
    f.hi95[h] = mean[h] + Z95 * sd[h];
  }
  return f;
}

/** Demand is never negative: clip every path at zero (the bounds stay ordered, coverage can only improve). */
export function clipAtZero(f: Forecast): Forecast {
  for (const key of FORECAST_PATHS) for (let h = 0; h < f[key].length; h++) if (f[key][h] < 0) f[key][h] = 0;
  return f;
}

/** Weighted average of forecasts, bounds included (a pragmatic combination, as in forecast-combination practice). */
export function combineForecasts(forecasts: readonly Forecast[], weights: readonly number[]): Forecast {
  const horizon = forecasts[0].mean.length;
  const out = emptyForecast(horizon);
  const total = weights.reduce((a, b) => a + b, 0);
  forecasts.forEach((f, k) => {
    const w = weights[k] / total;
    for (const key of FORECAST_PATHS) for (let h = 0; h < horizon; h++) out[key][h] += w * f[key][h];
  });
  return out;
}

/** Step-by-step median of forecasts, bounds included: one wild member cannot drag the combination. */
export function medianForecast(forecasts: readonly Forecast[]): Forecast {
  const horizon = forecasts[0].mean.length;
  const out = emptyForecast(horizon);
  const values = new Float64Array(forecasts.length);
  for (const key of FORECAST_PATHS) {
    for (let h = 0; h < horizon; h++) {
      forecasts.forEach((f, k) => (values[k] = f[key][h]));
      values.sort();
      const mid = values.length >> 1;
      out[key][h] = values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
  }
  return out;
}

/** The first `horizon` steps of a forecast (all of it when it is shorter). */
export function firstSteps(f: Forecast, horizon: number): Forecast {
  if (f.mean.length <= horizon) return f;
  return mapPaths(f, (path) => path.slice(0, horizon));
}
