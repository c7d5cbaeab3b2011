import { mulberry32, normal } from '../../platform/random.ts';
import type { FeatureMatrix } from '../../models/price/matrix.ts';

/**
 * Friedman #1 regression problem, the standard nonlinear test function for tree ensembles (also
 * sklearn.datasets.make_friedman1): y = 10 sin(π x0 x1) + 20 (x2 − 0.5)² + 10 x3 + 5 x4 + noise, on uniform
 * features, of which the ones past x4 are pure noise. Used by tests and the benchmark to compare learners.
 */
export function friedman1(rows: number, columns: number, seed: number, noise = 1): { x: FeatureMatrix; y: Float64Array } {
  if (columns < 5) throw new RangeError(`Friedman #1 needs at least 5 features, got ${columns}`);
  const rng = mulberry32(seed);
  const values = new Float64Array(rows * columns);
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    const row = values.subarray(r * columns, (r + 1) * columns);
    for (let f = 0; f < columns; f++) row[f] = rng();
    y[r] = 10 * Math.sin(Math.PI * row[0] * row[1]) + 20 * (row[2] - 0.5) ** 2 + 10 * row[3] + 5 * row[4] + normal(rng, 0, noise);
  }
  return { x: { values, rows, columns }, y };
}
