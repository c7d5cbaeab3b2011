import type { Rng } from '../../platform/random.ts';

/**
 * Grows one regression tree on binned features with histogram split finding, the engine under both the random
 * forest and gradient boosting.
 *
 * Every row carries a weight w (bootstrap count for the forest, 1 for boosting) and a target g. A node's histogram
 * holds, per feature and bin, the sums of w·g and of w. The best split of a feature is one left-to-right scan of its
 * bins, maximising the reduction of squared error (L2-regularised as in XGBoost):
 *   gain = G_L²/(W_L+λ) + G_R²/(W_R+λ) − G²/(W+λ),   node value = shrinkage · G/(W+λ).
 * Only the smaller child's histogram is built from its rows; the larger child's is the parent's minus it
 * (sibling subtraction), which halves the work per level at least.
 */
export interface GrowthParams {
  maxDepth: number;
  /** Infinity grows depth-first until maxDepth; a finite limit grows best-first (largest gain) until reached. */
  maxLeafNodes: number;
  /** Least total weight in a leaf (rows, or bootstrap draws for the forest). */
  minSamplesLeaf: number;
  /** Features drawn at random and examined at each node (all of them: no draw). */
  featuresPerNode: number;
  l2: number;
  /** Scales node values: the learning rate in boosting, 1 in the forest. */
  shrinkage: number;
}

export interface BinnedSet {
  /** Row-major bin codes, `codes[r * columns + f]`. */
  codes: Uint8Array;
  rows: number;
  columns: number;
  /** Bins per feature. */
  binCounts: Int32Array;
  /** Bin upper boundaries per feature (see binning.ts), to turn a bin threshold into a raw-value threshold. */
  edges: Float64Array[];
}

/** A tree as flat arrays; node 0 is the root, children are allocated in pairs (right = left + 1), leaves have feature −1. */
export interface GrownTree {
  feature: Int32Array;
  threshold: Float64Array;
  thresholdBin: Uint8Array;
  left: Int32Array;
  value: Float64Array;
}

const BIN_SLOTS = 256;

interface Candidate {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  gradSum: number;
  weightSum: number;
  feature: number;
  bin: number;
  gain: number;
}

class HistogramPool {
  private readonly free: Float64Array[] = [];
  constructor(private readonly size: number) {}
  acquire(): Float64Array {
    const h = this.free.pop();
    if (!h) return new Float64Array(this.size);
    h.fill(0);
    return h;
  }
  release(h: Float64Array): void {
    this.free.push(h);
  }
}

/** Interleaved [Σw·g, Σw] per (feature, bin) over rows[start, end). */
export function buildHistogram(
  hist: Float64Array,
  set: BinnedSet,
  rows: Uint32Array,
  start: number,
  end: number,
  weightedTarget: Float64Array,
  weight: Float64Array,
): void {
  const { codes, columns } = set;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const g = weightedTarget[r];
    const w = weight[r];
    const base = r * columns;
    for (let f = 0; f < columns; f++) {
      const slot = (f * BIN_SLOTS + codes[base + f]) << 1;
      hist[slot] += g;
      hist[slot + 1] += w;
    }
  }
}

export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}

/** Draws `count` distinct features (partial Fisher–Yates) into the front of `order`. */
function drawFeatures(order: Int32Array, count: number, rng: Rng): void {
  if (count >= order.length) return;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (order.length - i));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

function findBestSplit(c: Candidate, set: BinnedSet, params: GrowthParams, order: Int32Array, rng: Rng): void {
  const { l2, minSamplesLeaf } = params;
  const parentScore = (c.gradSum * c.gradSum) / (c.weightSum + l2);
  c.gain = 0;
  c.feature = -1;
  drawFeatures(order, params.featuresPerNode, rng);
  const examined = Math.min(params.featuresPerNode, order.length);
  for (let k = 0; k < examined; k++) {
    const f = order[k];
    const bins = set.binCounts[f];
    let gl = 0;
    let wl = 0;
    for (let b = 0; b < bins - 1; b++) {
      const slot = (f * BIN_SLOTS + b) << 1;
      gl += c.hist[slot];
      wl += c.hist[slot + 1];
      if (wl < minSamplesLeaf) continue;
      const wr = c.weightSum - wl;
      if (wr < minSamplesLeaf) break;
      const gr = c.gradSum - gl;
      const gain = (gl * gl) / (wl + l2) + (gr * gr) / (wr + l2) - parentScore;
      if (gain > c.gain) {
        c.gain = gain;
        c.feature = f;
        c.bin = b;
      }
    }
  }
  // Rounding noise on a pure node must not produce a split.
  if (c.gain <= 1e-12 * Math.abs(parentScore)) c.feature = -1;
}

/** Stable in-place partition of rows[start, end) on code <= bin; returns the first index of the right side. */
function partition(set: BinnedSet, rows: Uint32Array, scratch: Uint32Array, c: Candidate): number {
  const { codes, columns } = set;
  let l = c.start;
  let r = 0;
  for (let i = c.start; i < c.end; i++) {
    const row = rows[i];
    if (codes[row * columns + c.feature] <= c.bin) rows[l++] = row;
    else scratch[r++] = row;
  }
  rows.set(scratch.subarray(0, r), l);
  return l;
}

function nodeCapacity(inBag: number, params: GrowthParams): number {
  const byRows = 2 * Math.max(1, inBag) - 1;
  const byLeaves = Number.isFinite(params.maxLeafNodes) ? 2 * params.maxLeafNodes - 1 : Infinity;
  const byDepth = 2 ** (Math.min(params.maxDepth, 30) + 1) - 1;
  return Math.min(byRows, byLeaves, byDepth);
}

/**
 * @param target per-row target (y for the forest, residuals for boosting)
 * @param weight per-row weight; rows listed in `inBag` must have weight > 0
 * @param inBag the rows this tree learns from (consumed: reordered in place)
 */
export function growTree(set: BinnedSet, target: Float64Array, weight: Float64Array, inBag: Uint32Array, params: GrowthParams, rng: Rng): GrownTree {
  const weightedTarget = new Float64Array(set.rows);
  for (let i = 0; i < inBag.length; i++) weightedTarget[inBag[i]] = weight[inBag[i]] * target[inBag[i]];
  const capacity = nodeCapacity(inBag.length, params);
  const feature = new Int32Array(capacity).fill(-1);
  const threshold = new Float64Array(capacity);
  const thresholdBin = new Uint8Array(capacity);
  const left = new Int32Array(capacity);
  const value = new Float64Array(capacity);
  const pool = new HistogramPool(set.columns * BIN_SLOTS * 2);
  const scratch = new Uint32Array(inBag.length);
  const order = Int32Array.from({ length: set.columns }, (_, i) => i);
  const bestFirst = Number.isFinite(params.maxLeafNodes);

  const leafValue = (g: number, w: number) => (params.shrinkage * g) / (w + params.l2);
  const pending: Candidate[] = [];
  const consider = (c: Candidate) => {
    value[c.node] = leafValue(c.gradSum, c.weightSum);
    if (c.depth < params.maxDepth && c.weightSum >= 2 * params.minSamplesLeaf) findBestSplit(c, set, params, order, rng);
    if (c.feature >= 0) pending.push(c);
    else pool.release(c.hist);
  };

  const rootHist = pool.acquire();
  buildHistogram(rootHist, set, inBag, 0, inBag.length, weightedTarget, weight);
  let gradSum = 0;
  let weightSum = 0;
  for (let b = 0; b < set.binCounts[0]; b++) {
    gradSum += rootHist[b << 1];
    weightSum += rootHist[(b << 1) + 1];
  }
  consider({ node: 0, start: 0, end: inBag.length, depth: 0, hist: rootHist, gradSum, weightSum, feature: -1, bin: 0, gain: 0 });

  let nodes = 1;
  let leaves = 1;
  while (pending.length > 0 && leaves < params.maxLeafNodes) {
    let pick = pending.length - 1;
    if (bestFirst) for (let i = 0; i < pending.length; i++) if (pending[i].gain > pending[pick].gain) pick = i;
    const c = pending[pick];
    pending.splice(pick, 1);

    const mid = partition(set, inBag, scratch, c);
    feature[c.node] = c.feature;
    thresholdBin[c.node] = c.bin;
    threshold[c.node] = set.edges[c.feature][c.bin];
    left[c.node] = nodes;

    let gl = 0;
    let wl = 0;
    for (let b = 0; b <= c.bin; b++) {
      const slot = (c.feature * BIN_SLOTS + b) << 1;
      gl += c.hist[slot];
      wl += c.hist[slot + 1];
    }
    const leftIsSmaller = mid - c.start <= c.end - mid;
    const small = pool.acquire();
    if (leftIsSmaller) buildHistogram(small, set, inBag, c.start, mid, weightedTarget, weight);
    else buildHistogram(small, set, inBag, mid, c.end, weightedTarget, weight);
    subtractHistogram(c.hist, small);
    const leftHist = leftIsSmaller ? small : c.hist;
    const rightHist = leftIsSmaller ? c.hist : small;
    const depth = c.depth + 1;
    const l: Candidate = { node: nodes, start: c.start, end: mid, depth, hist: leftHist, gradSum: gl, weightSum: wl, feature: -1, bin: 0, gain: 0 };
    const r: Candidate = { node: nodes + 1, start: mid, end: c.end, depth, hist: rightHist, gradSum: c.gradSum - gl, weightSum: c.weightSum - wl, feature: -1, bin: 0, gain: 0 };
    nodes += 2;
    leaves += 1;
    // Right first, so that depth-first growth (a stack) continues with the left child.
    consider(r);
    consider(l);
  }
  return {
    feature: feature.slice(0, nodes),
    threshold: threshold.slice(0, nodes),
    thresholdBin: thresholdBin.slice(0, nodes),
    left: left.slice(0, nodes),
    value: value.slice(0, nodes),
  };
}

/** Prediction of one grown tree for a row of bin codes (boosting updates its residuals with this). */
export function predictBinnedRow(tree: GrownTree, codes: Uint8Array, base: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = codes[base + tree.feature[node]] <= tree.thresholdBin[node] ? tree.left[node] : tree.left[node] + 1;
  }
  return tree.value[node];
}
