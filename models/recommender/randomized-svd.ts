import { Matrix, SingularValueDecomposition } from 'ml-matrix';
import { normal, substream } from '../../platform/random.ts';
import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * Truncated randomised SVD of the sparse confidence matrix (Halko, Martinsson & Tropp 2011), the baseline known as
 * PureSVD for top-k recommendation (Cremonesi, Koren & Turrin 2010). Random projections find the range of A,
 * power iterations sharpen it (the spectrum of a ratings matrix decays slowly), and only the small itineraries x
 * (rank + oversampling) sketch goes through a dense SVD. A dense SVD of the whole matrix is out of reach here.
 */
export interface SvdSettings {
  rank: number;
  oversample: number;
  powerIterations: number;
  seed: number;
}

/** sparse (rows x columns) · dense (columns x width), both row-major. */
export function sparseTimesDense(m: SparseMatrix, dense: Float64Array, width: number): Float64Array {
  const out = new Float64Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    const o = r * width;
    for (let e = m.indptr[r]; e < m.indptr[r + 1]; e++) {
      const v = m.values[e];
      const d = m.indices[e] * width;
      for (let c = 0; c < width; c++) out[o + c] += v * dense[d + c];
    }
  }
  return out;
}

/**
 * Orthonormal columns by modified Gram-Schmidt, run twice ("twice is enough", Giraud et al.), in place.
 * The work is done on a column-major copy, so each dot product reads contiguous memory.
 * A column that vanishes (rank below the width) is left at zero.
 */
export function orthonormaliseColumns(a: Float64Array, rows: number, width: number): Float64Array {
  const columns = new Float64Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) columns[c * rows + r] = a[r * width + c];
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < width; c++) {
      const col = columns.subarray(c * rows, (c + 1) * rows);
      for (let prev = 0; prev < c; prev++) {
        const other = columns.subarray(prev * rows, (prev + 1) * rows);
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += col[r] * other[r];
        for (let r = 0; r < rows; r++) col[r] -= dot * other[r];
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += col[r] * col[r];
      norm = Math.sqrt(norm);
      const scale = norm > 1e-10 ? 1 / norm : 0;
      for (let r = 0; r < rows; r++) col[r] *= scale;
    }
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) a[r * width + c] = columns[c * rows + r];
  return a;
}

/** The leading right singular vectors of A (itineraries x rank, row-major) and the singular values. */
export function randomizedSvd(byUser: SparseMatrix, byItem: SparseMatrix, s: SvdSettings): { itemFactors: Float32Array; singularValues: Float64Array; rank: number } {
  const items = byItem.rows;
  const width = Math.max(1, Math.min(s.rank + s.oversample, items, byUser.rows));
  const rng = substream(s.seed, 'svd-projection');
  const omega = new Float64Array(items * width);
  for (let i = 0; i < omega.length; i++) omega[i] = normal(rng);

  let range = orthonormaliseColumns(sparseTimesDense(byUser, omega, width), byUser.rows, width);
  for (let q = 0; q < s.powerIterations; q++) {
    const back = orthonormaliseColumns(sparseTimesDense(byItem, range, width), items, width);
    range = orthonormaliseColumns(sparseTimesDense(byUser, back, width), byUser.rows, width);
  }
  // Bᵀ = Aᵀ Q: A ≈ Q B, so the left singular vectors of Bᵀ are A's right singular vectors.
  const sketch = sparseTimesDense(byItem, range, width);
  const dense = new Matrix(items, width);
  for (let i = 0; i < items; i++) for (let c = 0; c < width; c++) dense.set(i, c, sketch[i * width + c]);
  const svd = new SingularValueDecomposition(dense, { computeLeftSingularVectors: true, computeRightSingularVectors: false, autoTranspose: true });
  const rank = Math.min(s.rank, width);
  const u = svd.leftSingularVectors;
  const itemFactors = new Float32Array(items * rank);
  for (let i = 0; i < items; i++) for (let c = 0; c < rank; c++) itemFactors[i * rank + c] = u.get(i, c);
  return { itemFactors, singularValues: Float64Array.from(svd.diagonal.slice(0, rank)), rank };
}

/** PureSVD's customer vectors r_u V, so a score is r_u V v_iᵀ: the customer's row projected on the rank-k space. */
export function foldInUsers(byUser: SparseMatrix, itemFactors: Float32Array, rank: number): Float32Array {
  return Float32Array.from(sparseTimesDense(byUser, Float64Array.from(itemFactors), rank));
}
