import type { FeatureMatrix } from './matrix.ts';
import type { TreeEnsemble } from './tree-ensemble.ts';

/**
 * Fast batch prediction. A row's walk down a tree is a chain of dependent loads with an unpredictable branch at
 * every node, so the walk is made branch-free and four rows walk the same tree side by side, letting the CPU
 * overlap their loads (about 3x faster than one row at a time, measured in bench/price-forest.bench.ts).
 * Branch-free means every leaf loops onto itself (threshold +∞, so any finite value stays) and each tree is walked
 * exactly its depth times.
 */
interface Walk {
  feature: Int32Array;
  threshold: Float64Array;
  /** Left child, or the node itself on a leaf. The right child is next + 1. */
  next: Int32Array;
  depth: Int32Array;
}

const walks = new WeakMap<TreeEnsemble, Walk>();

function treeDepth(e: TreeEnsemble, t: number): number {
  const root = e.roots[t];
  const end = t + 1 < e.roots.length ? e.roots[t + 1] : e.feature.length;
  // Children always come after their parent, so one forward pass settles every depth.
  const depth = new Int32Array(end - root);
  let max = 0;
  for (let i = root; i < end; i++) {
    if (e.feature[i] < 0) continue;
    const d = depth[i - root] + 1;
    depth[e.left[i] - root] = d;
    depth[e.left[i] + 1 - root] = d;
    if (d > max) max = d;
  }
  return max;
}

function walkOf(e: TreeEnsemble): Walk {
  const cached = walks.get(e);
  if (cached) return cached;
  const n = e.feature.length;
  const w: Walk = { feature: new Int32Array(n), threshold: new Float64Array(n), next: new Int32Array(n), depth: new Int32Array(e.roots.length) };
  for (let i = 0; i < n; i++) {
    const leaf = e.feature[i] < 0;
    w.feature[i] = leaf ? 0 : e.feature[i];
    w.threshold[i] = leaf ? Infinity : e.threshold[i];
    w.next[i] = leaf ? i : e.left[i];
  }
  for (let t = 0; t < e.roots.length; t++) w.depth[t] = treeDepth(e, t);
  walks.set(e, w);
  return w;
}

/** Predictions for every row of x (features must be finite: the caller validates). */
export function predictEnsemble(e: TreeEnsemble, x: FeatureMatrix): Float64Array {
  const { rows, columns, values } = x;
  const { feature, threshold, next, depth } = walkOf(e);
  const value = e.value;
  const sums = new Float64Array(rows);
  for (let t = 0; t < e.roots.length; t++) {
    const root = e.roots[t];
    const steps = depth[t];
    let r = 0;
    for (; r + 3 < rows; r += 4) {
      const b0 = r * columns;
      const b1 = b0 + columns;
      const b2 = b1 + columns;
      const b3 = b2 + columns;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      for (let k = 0; k < steps; k++) {
        n0 = next[n0] + +(values[b0 + feature[n0]] > threshold[n0]);
        n1 = next[n1] + +(values[b1 + feature[n1]] > threshold[n1]);
        n2 = next[n2] + +(values[b2 + feature[n2]] > threshold[n2]);
        n3 = next[n3] + +(values[b3 + feature[n3]] > threshold[n3]);
      }
      sums[r] += value[n0];
      sums[r + 1] += value[n1];
      sums[r + 2] += value[n2];
      sums[r + 3] += value[n3];
    }
    for (; r < rows; r++) {
      const b = r * columns;
      let node = root;
      for (let k = 0; k < steps; k++) node = next[node] + +(values[b + feature[node]] > threshold[node]);
      sums[r] += value[node];
    }
  }
  for (let r = 0; r < rows; r++) sums[r] = e.base + e.scale * sums[r];
  return sums;
}
