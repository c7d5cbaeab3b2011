/**
 * Classical decomposition pieces shared by ETS initialisation and Theta: the centred moving average,
 * seasonal indices per phase, and the autocorrelation test that decides whether a series is seasonal at all.
 */

/** Centred moving average of order `period` (2×period when even); NaN where the window does not fit. */
export function centredMovingAverage(y: ArrayLike<number>, period: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n).fill(NaN);
  const half = Math.floor(period / 2);
  for (let t = half; t < n - half; t++) {
    let sum = 0;
    if (period % 2 === 1) {
      for (let k = -half; k <= half; k++) sum += y[t + k];
      out[t] = sum / period;
    } else {
      for (let k = -half + 1; k < half; k++) sum += y[t + k];
      sum += 0.5 * (y[t - half] + y[t + half]);
      out[t] = sum / period;
    }
  }
  return out;
}

/**
 * Seasonal index per phase (phase = t mod period): the mean ratio (multiplicative) or difference (additive) of the
 * series to its moving average, normalised to average 1 (or 0).
 */
export function seasonalIndices(y: ArrayLike<number>, period: number, kind: 'A' | 'M'): Float64Array {
  const trend = centredMovingAverage(y, period);
  const sums = new Float64Array(period);
  const counts = new Float64Array(period);
  for (let t = 0; t < y.length; t++) {
    if (Number.isNaN(trend[t])) continue;
    if (kind === 'M' && !(trend[t] > 0)) continue;
    sums[t % period] += kind === 'M' ? y[t] / trend[t] : y[t] - trend[t];
    counts[t % period]++;
  }
  const indices = new Float64Array(period);
  let total = 0;
  for (let j = 0; j < period; j++) {
    indices[j] = counts[j] ? sums[j] / counts[j] : kind === 'M' ? 1 : 0;
    total += indices[j];
  }
  const centre = total / period;
  for (let j = 0; j < period; j++) indices[j] = kind === 'M' ? indices[j] / centre : indices[j] - centre;
  return indices;
}

export function autocorrelations(y: ArrayLike<number>, maxLag: number): Float64Array {
  const n = y.length;
  let mean = 0;
  for (let t = 0; t < n; t++) mean += y[t] / n;
  let denominator = 0;
  for (let t = 0; t < n; t++) denominator += (y[t] - mean) ** 2;
  const r = new Float64Array(maxLag + 1);
  for (let lag = 0; lag <= maxLag; lag++) {
    let sum = 0;
    for (let t = lag; t < n; t++) sum += (y[t] - mean) * (y[t - lag] - mean);
    r[lag] = denominator > 0 ? sum / denominator : 0;
  }
  return r;
}

/**
 * The Theta method's seasonality test (Assimakopoulos & Nikolopoulos 2000; R's `thetaf`): the autocorrelation at
 * the seasonal lag exceeds its 90% one-sided bound under the hypothesis of no seasonality (Bartlett's variance).
 */
export function isSeasonal(y: ArrayLike<number>, period: number): boolean {
  if (period <= 1 || y.length <= 2 * period) return false;
  const r = autocorrelations(y, period);
  let sum = 0;
  for (let k = 1; k < period; k++) sum += r[k] * r[k];
  const bound = 1.645 * Math.sqrt((1 + 2 * sum) / y.length);
  return Math.abs(r[period]) > bound;
}
