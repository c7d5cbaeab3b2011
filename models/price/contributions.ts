import type { TreeEnsemble } from './tree-ensemble.ts';

/**
 * Per-prediction feature contributions by tree path decomposition (Saabas): walking a row down a tree, each split
 * moves the node value from parent to child, and that change is credited to the split's feature. The changes
 * telescope, so per tree leaf = root + Σ credits, and over the ensemble
 *   prediction = bias + Σ_f contribution_f,   bias = base + scale · Σ_trees rootValue
 * holds exactly (up to floating-point rounding). The bias is the same for every row: the ensemble's average guess.
 */
export interface Contributions {
  bias: number;
  /** Indexed like the feature columns. */
  byFeature: Float64Array;
}

export function ensembleBias(e: TreeEnsemble): number {
  let rootSum = 0;
  for (let t = 0; t < e.roots.length; t++) rootSum += e.value[e.roots[t]];
  return e.base + e.scale * rootSum;
}

export function contributions(e: TreeEnsemble, row: ArrayLike<number>, columns: number): Contributions {
  const byFeature = new Float64Array(columns);
  for (let t = 0; t < e.roots.length; t++) {
    let node = e.roots[t];
    while (e.feature[node] >= 0) {
      const f = e.feature[node];
      const child = row[f] <= e.threshold[node] ? e.left[node] : e.left[node] + 1;
      byFeature[f] += e.value[child] - e.value[node];
      node = child;
    }
  }
  for (let f = 0; f < columns; f++) byFeature[f] *= e.scale;
  return { bias: ensembleBias(e), byFeature };
}
