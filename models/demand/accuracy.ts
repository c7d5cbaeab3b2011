import type { Forecast } from './forecast.ts';

/**
 * Accuracy of a forecast against what happened, as the forecasting competitions report it.
 * MASE divides the absolute error by the in-sample mean absolute error of the seasonal naive forecast
 * (lag m, m = 1 for yearly data), so it can be averaged across series of any scale.
 */
export function seasonalNaiveScale(history: ArrayLike<number>, period: number): number {
  const m = history.length > period ? period : 1;
  let sum = 0;
  for (let t = m; t < history.length; t++) sum += Math.abs(history[t] - history[t - m]);
  return sum / Math.max(1, history.length - m);
}

/** Mean over the horizon of |error| / scale; NaN when the history is flat (scale 0), so callers can skip it. */
export function mase(actual: ArrayLike<number>, predicted: ArrayLike<number>, scale: number): number {
  if (!(scale > 0)) return NaN;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length / scale;
}

/** Symmetric MAPE in percent, 200·|a−f|/(|a|+|f|); a step where both are zero counts as no error. */
export function smape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(predicted[i]);
    sum += denominator === 0 ? 0 : (200 * Math.abs(actual[i] - predicted[i])) / denominator;
  }
  return sum / actual.length;
}

/** MAPE in percent over the steps whose actual value is not zero (a zero actual has no percentage error). */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): { value: number; steps: number } {
  let sum = 0;
  let steps = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((actual[i] - predicted[i]) / actual[i]);
    steps++;
  }
  return { value: steps ? (100 * sum) / steps : NaN, steps };
}

/** Share of actual values inside [lo, hi], per interval level. */
export function coverage(actual: ArrayLike<number>, forecast: Forecast): { cover80: number; cover95: number } {
  let in80 = 0;
  let in95 = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] >= forecast.lo80[i] && actual[i] <= forecast.hi80[i]) in80++;
    if (actual[i] >= forecast.lo95[i] && actual[i] <= forecast.hi95[i]) in95++;
  }
  return { cover80: in80 / actual.length, cover95: in95 / actual.length };
}
