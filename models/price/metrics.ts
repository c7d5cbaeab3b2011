/** Error measures reported for every model and baseline, in the unit of the target (a price: USD). */
export interface ErrorMetrics {
  rmse: number;
  mae: number;
  /** Mean absolute percentage error, in percent, over rows whose actual value is not zero. */
  mape: number;
}

export function errorMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): ErrorMetrics {
  let se = 0;
  let ae = 0;
  let pe = 0;
  let nonZero = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = predicted[i] - actual[i];
    se += e * e;
    ae += Math.abs(e);
    if (actual[i] !== 0) {
      pe += Math.abs(e / actual[i]);
      nonZero++;
    }
  }
  const n = Math.max(1, actual.length);
  return { rmse: Math.sqrt(se / n), mae: ae / n, mape: nonZero ? (100 * pe) / nonZero : NaN };
}
