import type { Rng } from '../../platform/random.ts';

/**
 * Mean silhouette (Rousseeuw 1987) of a clustering: for each point, s = (b − a) / max(a, b) where a is its
 * mean distance to its own cluster and b to the nearest other cluster. Near 1: tight, well-separated clusters.
 * Exact cost is quadratic in points, so callers pass a seeded sample (see `sampleIndices`).
 */
function distance(p: readonly number[], q: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) sum += (p[i] - q[i]) ** 2;
  return Math.sqrt(sum);
}

export function silhouetteScore(points: readonly (readonly number[])[], labels: ArrayLike<number>, clusters: number): number {
  const n = points.length;
  const sizes = new Array<number>(clusters).fill(0);
  for (let i = 0; i < n; i++) sizes[labels[i]]++;
  const sums = new Float64Array(clusters);
  let total = 0;
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += distance(points[i], points[j]);
    const own = labels[i];
    // A point alone in its cluster has silhouette 0 by convention.
    if (sizes[own] <= 1) continue;
    const a = sums[own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < clusters; c++) if (c !== own && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c]);
    if (b === Infinity) continue;
    const spread = Math.max(a, b);
    total += spread > 0 ? (b - a) / spread : 0;
  }
  return n === 0 ? 0 : total / n;
}

/** `size` distinct indices out of `n` (all of them when n ≤ size), by a partial Fisher–Yates shuffle. */
export function sampleIndices(n: number, size: number, rng: Rng): number[] {
  const indices = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(n, size);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(rng() * (n - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices.slice(0, take).sort((x, y) => x - y);
}
