/**
 * Split-conformal prediction interval. On a calibration window the model did not learn from, the absolute errors
 * |y − ŷ| (here in log markup) are ranked; the ⌈(n+1)·coverage⌉-th smallest is the half-width w, and
 * [ŷ − w, ŷ + w] covers a new quotation with probability ≥ coverage when the future resembles that window.
 * In log space the interval is multiplicative on the price, so it widens with the size of the tour.
 */
export function conformalHalfWidth(actual: ArrayLike<number>, predicted: ArrayLike<number>, coverage: number): number {
  const n = actual.length;
  const errors = Float64Array.from({ length: n }, (_, i) => Math.abs(actual[i] - predicted[i])).sort();
  const rank = Math.ceil((n + 1) * coverage);
  // Too few calibration rows for this coverage: the largest error seen is the honest answer.
  return errors[Math.min(rank, n) - 1];
}
