import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * Weighted implicit ALS (Hu, Koren & Volinsky 2008) with the conjugate-gradient update of Takács, Pilászy & Tikk
 * (2011), as the `implicit` library does it. For a customer u with confidences c_ui = 1 + alpha·w_ui on the
 * itineraries they touched (preference 1) and c = 1, preference 0 everywhere else, the new factors x solve
 *   (YᵀY + λI + Σ_i (c_ui − 1) y_i y_iᵀ) x = Σ_i c_ui y_i.
 * YᵀY + λI is shared by all customers; the sum runs over the customer's few itineraries only. Rather than forming
 * and factorising that f x f system per customer (f³), a few CG steps warm-started from the current x cost
 * f² + nnz·f each and converge across the ALS iterations.
 */

/** YᵀY + λI of row-major `factors` (rows x f), in float64. */
export function regularisedGramian(factors: Float32Array, rows: number, f: number, lambda: number): Float64Array {
  const gram = new Float64Array(f * f);
  for (let r = 0; r < rows; r++) {
    const base = r * f;
    for (let a = 0; a < f; a++) {
      const va = factors[base + a];
      if (va === 0) continue;
      const row = a * f;
      for (let b = a; b < f; b++) gram[row + b] += va * factors[base + b];
    }
  }
  for (let a = 0; a < f; a++) {
    gram[a * f + a] += lambda;
    for (let b = a + 1; b < f; b++) gram[b * f + a] = gram[a * f + b];
  }
  return gram;
}

export interface CgScratch {
  x: Float64Array;
  r: Float64Array;
  p: Float64Array;
  ap: Float64Array;
}

export function cgScratch(f: number): CgScratch {
  return { x: new Float64Array(f), r: new Float64Array(f), p: new Float64Array(f), ap: new Float64Array(f) };
}

/** out = gram · v + Σ_i (c_i − 1) (y_i·v) y_i over the row's entries. */
function applySystem(out: Float64Array, v: Float64Array, gram: Float64Array, m: SparseMatrix, row: number, fixed: Float32Array, f: number, alpha: number): void {
  for (let a = 0; a < f; a++) {
    let s = 0;
    const base = a * f;
    for (let b = 0; b < f; b++) s += gram[base + b] * v[b];
    out[a] = s;
  }
  for (let e = m.indptr[row]; e < m.indptr[row + 1]; e++) {
    const y = m.indices[e] * f;
    let dot = 0;
    for (let a = 0; a < f; a++) dot += fixed[y + a] * v[a];
    const scale = alpha * m.values[e] * dot;
    for (let a = 0; a < f; a++) out[a] += scale * fixed[y + a];
  }
}

/**
 * Updates rows [start, end) of `solved` (rows of `m` x f) in place, holding `fixed` (columns of `m` x f) still.
 * Each row depends only on its own previous value and on `fixed`, so any split of the rows gives the same result.
 */
export function updateRows(m: SparseMatrix, start: number, end: number, solved: Float32Array, fixed: Float32Array, gram: Float64Array, f: number, alpha: number, cgSteps: number, s: CgScratch): void {
  const { x, r, p, ap } = s;
  for (let row = start; row < end; row++) {
    const base = row * f;
    for (let a = 0; a < f; a++) x[a] = solved[base + a];
    // r = b − A x, with b = Σ c_i y_i.
    applySystem(ap, x, gram, m, row, fixed, f, alpha);
    for (let a = 0; a < f; a++) r[a] = -ap[a];
    for (let e = m.indptr[row]; e < m.indptr[row + 1]; e++) {
      const y = m.indices[e] * f;
      const c = 1 + alpha * m.values[e];
      for (let a = 0; a < f; a++) r[a] += c * fixed[y + a];
    }
    let rsOld = 0;
    for (let a = 0; a < f; a++) {
      p[a] = r[a];
      rsOld += r[a] * r[a];
    }
    for (let step = 0; step < cgSteps && rsOld > 1e-20; step++) {
      applySystem(ap, p, gram, m, row, fixed, f, alpha);
      let pAp = 0;
      for (let a = 0; a < f; a++) pAp += p[a] * ap[a];
      if (!(pAp > 0)) break;
      const stepSize = rsOld / pAp;
      let rsNew = 0;
      for (let a = 0; a < f; a++) {
        x[a] += stepSize * p[a];
        r[a] -= stepSize * ap[a];
        rsNew += r[a] * r[a];
      }
      const beta = rsNew / rsOld;
      for (let a = 0; a < f; a++) p[a] = r[a] + beta * p[a];
      rsOld = rsNew;
    }
    for (let a = 0; a < f; a++) solved[base + a] = x[a];
  }
}
