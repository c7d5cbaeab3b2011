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
  return choleskySolve(a, b, p);
}

/** Solves A·x = b for a symmetric positive definite A given by its lower triangle (row-major, p×p). */
export function choleskySolve(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const l = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i * p + j];
      for (let k = 0; k < j; k++) sum -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j * p + j];
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= l[i * p + k] * z[k];
    z[i] = sum / l[i * p + i];
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = z[i];
    for (let k = i + 1; k < p; k++) sum -= l[k * p + i] * x[k];
    x[i] = sum / l[i * p + i];
  }
  return x;
}
