import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): one itinerary × itinerary weight matrix
 * B, learnt in closed form, with a customer's scores x_u B. It minimises ‖X − XB‖² + λ‖B‖² with diag(B) = 0 (an
 * itinerary may not explain itself), whose solution is B = I − P · diag(1 / diag(P)) with P = (XᵀX + λI)⁻¹.
 * X is binary here (did the customer interact with the itinerary at all), as in the paper: the confidence weights
 * matter to ALS, while EASE learns which itineraries go together.
 * The inversion is O(n³) in the catalogue size, which a catalogue of a few thousand itineraries affords; itineraries
 * nobody interacted with are left out of it (their rows and columns of B are zero).
 * Customer side information (as in Jeunen et al. 2020, "Closed-form models for collaborative filtering with
 * side-information"): a customer's segment can enter X as one more column, a pseudo-itinerary every customer of the
 * segment took, with value `weight`. B then learns in the same regression what the segment says beyond the
 * itineraries taken, instead of a popularity added on top that counts twice what the history already shows.
 */
export interface EaseSettings {
  /** λ, the ridge on B: larger values shrink rare co-occurrences towards nothing. */
  lambda: number;
  /** Customer groups (segments) as pseudo-itineraries; none, or weight 0, is plain EASE. */
  groups?: CustomerGroups;
}

export interface CustomerGroups {
  /** Group of each customer (matrix row), -1 for none. */
  ofUser: Int32Array;
  count: number;
  /** The value of a customer's group column in X. */
  weight: number;
}

export interface EaseWeights {
  /** B over the catalogue, dense row-major: items × items. */
  items: Float32Array;
  /** Each group's row of B times the group's value in X, dense: count × items, what a group adds to its scores. */
  groups: Float32Array;
}

/** Inverts a symmetric positive definite n × n matrix in place (row-major) by Gauss–Jordan without pivoting. */
export function invertSpdInPlace(a: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const rowK = a.subarray(k * n, k * n + n);
    const pivot = rowK[k];
    if (!(pivot > 0)) throw new Error(`matrix is not positive definite (pivot ${pivot} at ${k})`);
    const inverse = 1 / pivot;
    rowK[k] = 1;
    for (let j = 0; j < n; j++) rowK[j] *= inverse;
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const row = a.subarray(i * n, i * n + n);
      const factor = row[k];
      if (factor === 0) continue;
      row[k] = 0;
      for (let j = 0; j < n; j++) row[j] -= factor * rowK[j];
    }
  }
}

/**
 * B as a dense row-major Float32Array over the whole catalogue: B[i · items + j] is how much having interacted with
 * itinerary i raises itinerary j.
 */
export function trainEase(byUser: SparseMatrix, s: EaseSettings): Float32Array {
  return trainEaseWithGroups(byUser, { lambda: s.lambda }).items;
}

/** B with the customer groups' rows (none when `s.groups` is absent or its weight 0). */
export function trainEaseWithGroups(byUser: SparseMatrix, s: EaseSettings): EaseWeights {
  const items = byUser.columns;
  // Only itineraries with interactions enter the inversion: the others would only add λ to the diagonal.
  const active = new Int32Array(items).fill(-1);
  const activeIds: number[] = [];
  for (let e = 0; e < byUser.indices.length; e++) {
    const i = byUser.indices[e];
    if (active[i] < 0) {
      active[i] = activeIds.length;
      activeIds.push(i);
    }
  }
  const groups = s.groups && s.groups.weight > 0 ? s.groups : undefined;
  const g = groups?.count ?? 0;
  const n = activeIds.length;
  const size = n + g;
  const gram = new Float64Array(size * size);
  for (let u = 0; u < byUser.rows; u++) {
    const from = byUser.indptr[u];
    const to = byUser.indptr[u + 1];
    for (let a = from; a < to; a++) {
      const row = active[byUser.indices[a]] * size;
      for (let b = from; b < to; b++) gram[row + active[byUser.indices[b]]] += 1;
    }
    const group = groups ? groups.ofUser[u] : -1;
    if (group < 0 || to === from) continue;
    const w = groups!.weight;
    const column = n + group;
    for (let a = from; a < to; a++) {
      const i = active[byUser.indices[a]];
      gram[i * size + column] += w;
      gram[column * size + i] += w;
    }
    gram[column * size + column] += w * w;
  }
  for (let i = 0; i < size; i++) gram[i * size + i] += s.lambda;
  invertSpdInPlace(gram, size);
  const weights = new Float32Array(items * items);
  for (let a = 0; a < n; a++) {
    const out = activeIds[a] * items;
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      weights[out + activeIds[b]] = -gram[a * size + b] / gram[b * size + b];
    }
  }
  const groupRows = new Float32Array(g * items);
  for (let c = 0; c < g; c++) {
    const from = (n + c) * size;
    for (let b = 0; b < n; b++) groupRows[c * items + activeIds[b]] = (-gram[from + b] / gram[b * size + b]) * groups!.weight;
  }
  return { items: weights, groups: groupRows };
}
