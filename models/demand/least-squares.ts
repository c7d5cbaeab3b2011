import { solveCholesky } from '../../platform/maths/cholesky.ts';

/**
 * Ridge least squares by the normal equations and a Cholesky factorisation: the harmonic regression has a few
 * dozen columns, so XᵀX is small, and a tiny ridge keeps it solvable when an event never happened in the history.
 */
export function ridgeLeastSquares(rows: readonly Float64Array[], y: ArrayLike<number>, lambda = 1e-8): Float64Array {
  const p = rows[0].length;
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  for (let r = 0; r < rows.length; r++) {
    const x = rows[r];
    for (let i = 0; i < p; i++) {
      if (x[i] === 0) continue;
      b[i] += x[i] * y[r];
      for (let j = 0; j <= i; j++) a[i * p + j] += x[i] * x[j];
    }
  }
  let trace = 0;
  for (let i = 0; i < p; i++) trace += a[i * p + i];
  const ridge = lambda * (trace / p || 1);
  for (let i = 0; i < p; i++) a[i * p + i] += ridge;
  return solveCholesky(a, b, p);
}
