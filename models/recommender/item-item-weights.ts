import { decodeFloat32, decodeInt32, encodeFloat32, encodeInt32 } from '../contract.ts';
import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * An itinerary × itinerary weight matrix, the whole of an item-to-item model (EASE dense, item-kNN sparse): row i says
 * how much having interacted with itinerary i raises every other. A customer's scores are the sum of the rows of
 * their history; the row entry of a past itinerary is also why a recommendation is made ("because you booked …").
 */
export type ItemWeights = { kind: 'dense'; items: number; values: Float32Array } | { kind: 'sparse'; matrix: SparseMatrix };

/** Scores of every itinerary from a history (catalogue indices), into `out`. */
export function scoreHistory(w: ItemWeights, history: ArrayLike<number>, out: Float32Array): void {
  out.fill(0);
  if (w.kind === 'dense') {
    const n = w.items;
    for (let e = 0; e < history.length; e++) {
      const row = w.values.subarray(history[e] * n, history[e] * n + n);
      for (let j = 0; j < n; j++) out[j] += row[j];
    }
    return;
  }
  const m = w.matrix;
  for (let e = 0; e < history.length; e++) {
    const i = history[e];
    for (let a = m.indptr[i]; a < m.indptr[i + 1]; a++) out[m.indices[a]] += m.values[a];
  }
}

/** The weight from itinerary `from` to itinerary `to` (0 when the sparse matrix has none). */
export function weightBetween(w: ItemWeights, from: number, to: number): number {
  if (w.kind === 'dense') return w.values[from * w.items + to];
  const m = w.matrix;
  for (let a = m.indptr[from]; a < m.indptr[from + 1]; a++) if (m.indices[a] === to) return m.values[a];
  return 0;
}

/** Row `from` over the catalogue, into `out`: what the model relates to one itinerary. */
export function weightsFrom(w: ItemWeights, from: number, out: Float32Array): void {
  if (w.kind === 'dense') {
    out.set(w.values.subarray(from * w.items, from * w.items + w.items));
    return;
  }
  out.fill(0);
  const m = w.matrix;
  for (let a = m.indptr[from]; a < m.indptr[from + 1]; a++) out[m.indices[a]] = m.values[a];
}

/** Among past itineraries, the one whose weight towards `target` is largest and positive; -1 if none. */
export function strongestPastItinerary(w: ItemWeights, target: number, history: ArrayLike<number>): number {
  let best = -1;
  let bestWeight = 0;
  for (let e = 0; e < history.length; e++) {
    if (history[e] === target) continue;
    const v = weightBetween(w, history[e], target);
    if (v > bestWeight) {
      bestWeight = v;
      best = history[e];
    }
  }
  return best;
}

export type EncodedItemWeights = { kind: 'dense'; items: number; values: string } | { kind: 'sparse'; items: number; indptr: string; indices: string; values: string };

export function encodeItemWeights(w: ItemWeights): EncodedItemWeights {
  if (w.kind === 'dense') return { kind: 'dense', items: w.items, values: encodeFloat32(w.values) };
  return { kind: 'sparse', items: w.matrix.rows, indptr: encodeInt32(w.matrix.indptr), indices: encodeInt32(w.matrix.indices), values: encodeFloat32(w.matrix.values) };
}

export function decodeItemWeights(e: EncodedItemWeights): ItemWeights {
  if (e.kind === 'dense') return { kind: 'dense', items: e.items, values: decodeFloat32(e.values) };
  return { kind: 'sparse', matrix: { rows: e.items, columns: e.items, indptr: decodeInt32(e.indptr), indices: decodeInt32(e.indices), values: decodeFloat32(e.values) } };
}
