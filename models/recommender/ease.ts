import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): one itinerary × itinerary weight matrix
 * B, learnt in closed form, with a customer's scores x_u B. It minimises ‖X − XB‖² + λ‖B‖² with diag(B) = 0 (an
 * itinerary may not explain itself), whose solution is B = I − P · diag(1 / diag(P)) with P = (XᵀX + λI)⁻¹.
 * X is binary here (did the customer interact with the itinerary at all), as in the paper: the confidence weights
 * matter to ALS, while EASE learns which itineraries go together.
 * The inversion is O(n³) in the catalogue size, which a catalogue of a few thousand itineraries affords; itineraries
 * nobody interacted with are left out of it (their rows and columns of B are zero).
 */
export interface EaseSettings {
  /** λ, the ridge on B: larger values shrink rare co-occurrences towards nothing. */
  lambda: number;
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
  const n = activeIds.length;
  const gram = new Float64Array(n * n);
  for (let u = 0; u < byUser.rows; u++) {
    const from = byUser.indptr[u];
    const to = byUser.indptr[u + 1];
    for (let a = from; a < to; a++) {
      const row = active[byUser.indices[a]] * n;
      for (let b = from; b < to; b++) gram[row + active[byUser.indices[b]]] += 1;
    }
  }
  for (let i = 0; i < n; i++) gram[i * n + i] += s.lambda;
  invertSpdInPlace(gram, n);
  const weights = new Float32Array(items * items);
  for (let a = 0; a < n; a++) {
    const out = activeIds[a] * items;
    for (let b = 0; b < n; b++) {
      if (a === b) continue;
      weights[out + activeIds[b]] = -gram[a * n + b] / gram[b * n + b];
    }
  }
  return weights;
}
