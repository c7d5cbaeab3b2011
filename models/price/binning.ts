import type { FeatureMatrix } from './matrix.ts';

/**
 * Quantile binning shared by both tree learners. Each feature gets at most 255 bins, so a row's codes fit in a
 * Uint8Array and split finding scans 255 histogram cells instead of sorting values at every node.
 *
 * `edges[f]` holds the upper boundary of each bin but the last: code(x) = first b with x <= edges[f][b], else
 * edges[f].length. Hence `code <= b` exactly when `x <= edges[f][b]`, and a split learnt on codes is applied to raw
 * values with the same threshold.
 */
export const MAX_BINS = 255;

/** Bin boundaries are estimated on at most this many rows: quantiles barely move beyond it, sorting time does. */
const EDGE_SAMPLE_ROWS = 200_000;

export interface Binning {
  edges: Float64Array[];
}

/** Upper boundaries of the bins of one feature's values (midpoints between neighbouring distinct values). */
export function binEdges(values: Float64Array, maxBins = MAX_BINS): Float64Array {
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= maxBins) {
    const edges = new Float64Array(Math.max(0, distinct.length - 1));
    for (let i = 0; i < edges.length; i++) edges[i] = (distinct[i] + distinct[i + 1]) / 2;
    return edges;
  }
  // Too many distinct values: boundaries at quantiles, snapped between the two neighbouring sorted values so that
  // no boundary splits a run of equal values.
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const at = Math.floor((b * sorted.length) / maxBins);
    const lower = sorted[at - 1];
    const upper = sorted[at];
    if (lower === upper) continue;
    const edge = (lower + upper) / 2;
    if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
  }
  return Float64Array.from(edges);
}

export function binCode(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Evenly spaced rows, deterministic, so the bins do not depend on a random draw. */
function sampleColumn(matrix: FeatureMatrix, f: number): Float64Array {
  const take = Math.min(matrix.rows, EDGE_SAMPLE_ROWS);
  const step = matrix.rows / take;
  const out = new Float64Array(take);
  for (let i = 0; i < take; i++) out[i] = matrix.values[Math.floor(i * step) * matrix.columns + f];
  return out;
}

export function fitBinning(matrix: FeatureMatrix, maxBins = MAX_BINS): Binning {
  const edges: Float64Array[] = [];
  for (let f = 0; f < matrix.columns; f++) edges.push(binEdges(sampleColumn(matrix, f), maxBins));
  return { edges };
}

/** Row-major codes (`codes[r * columns + f]`), matching the layout of FeatureMatrix. */
export function binMatrix(binning: Binning, matrix: FeatureMatrix, buffer?: ArrayBufferLike): Uint8Array {
  const { rows, columns } = matrix;
  const codes = buffer ? new Uint8Array(buffer, 0, rows * columns) : new Uint8Array(rows * columns);
  for (let f = 0; f < columns; f++) {
    const edges = binning.edges[f];
    for (let r = 0; r < rows; r++) codes[r * columns + f] = binCode(edges, matrix.values[r * columns + f]);
  }
  return codes;
}

export function binCounts(binning: Binning): Int32Array {
  return Int32Array.from(binning.edges, (e) => e.length + 1);
}
