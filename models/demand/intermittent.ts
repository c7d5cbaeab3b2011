/**
 * Intermittent demand (a low-volume itinerary that sells on few days): Teunter–Syntetos–Babai (TSB). The chance of
 * any demand and the size of a non-zero demand are smoothed separately, so the forecast p·z decays towards zero
 * when sales stop, unlike Croston's. Smoothed per phase of the short season (per weekday for daily data), because
 * small groups depart on fixed weekdays: the zeros on the other days are structural, not chance.
 */
export interface IntermittentParams {
  /** Smoothing of the chance of demand in a period. */
  alphaProbability: number;
  /** Smoothing of the size of a non-zero demand. */
  alphaSize: number;
}

export const DEFAULT_INTERMITTENT: IntermittentParams = { alphaProbability: 0.1, alphaSize: 0.1 };

/** Share of periods with no demand: above about a third, smoothing the level itself is a poor model. */
export function zeroShare(y: ArrayLike<number>): number {
  let zeros = 0;
  for (let t = 0; t < y.length; t++) if (y[t] === 0) zeros++;
  return y.length ? zeros / y.length : 0;
}

/** TSB of one sequence: the expected demand of the next period (never negative). */
function tsbLevel(values: readonly number[], { alphaProbability, alphaSize }: IntermittentParams): number {
  const nonZero = values.filter((v) => v > 0);
  if (nonZero.length === 0) return 0;
  // Start from the first-year averages so the first few periods do not dominate.
  const head = values.slice(0, Math.max(1, Math.min(values.length, 52)));
  let p = head.filter((v) => v > 0).length / head.length;
  let z = nonZero.slice(0, 12).reduce((a, b) => a + b, 0) / Math.min(12, nonZero.length);
  for (const v of values) {
    p += alphaProbability * ((v > 0 ? 1 : 0) - p);
    if (v > 0) z += alphaSize * (v - z);
  }
  return Math.max(0, p * z);
}

/** Mean forecast per step: TSB on each phase of `period` (1 = no season) of the history. */
export function intermittentMean(y: ArrayLike<number>, period: number, horizon: number, params = DEFAULT_INTERMITTENT): Float64Array {
  const m = y.length >= 4 * period ? period : 1;
  const levels = Array.from({ length: m }, (_, phase) => {
    const values: number[] = [];
    // Phase is counted from the end so that step h continues the history's own weekday sequence.
    for (let t = y.length - m + phase; t >= 0; t -= m) values.push(y[t]);
    return tsbLevel(values.reverse(), params);
  });
  return Float64Array.from({ length: horizon }, (_, h) => levels[h % m]);
}
