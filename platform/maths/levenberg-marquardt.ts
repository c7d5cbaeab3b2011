import { solveCholesky } from './cholesky.ts';

/**
 * Levenberg–Marquardt for small nonlinear least-squares problems: minimises Σ r_i(x)² from a start, with a
 * forward-difference Jacobian. Conditional-sum-of-squares ARIMA fits are such problems (a handful of coefficients,
 * a few hundred residuals); Gauss–Newton steps reach their minimum in a few dozen residual passes where a simplex
 * method needs hundreds.
 */
export interface LeastSquaresOptions {
  maxIterations?: number;
  /** Stop when an accepted step lowers the sum of squares by less than this fraction of it. */
  tolerance?: number;
}

export interface LeastSquaresResult {
  x: Float64Array;
  sse: number;
  /** Residual passes used (Jacobian columns included). */
  evaluations: number;
}

function sumOfSquares(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return Number.isFinite(s) ? s : Infinity;
}

export function levenbergMarquardt(
  residuals: (x: Float64Array, out: Float64Array) => void,
  start: ArrayLike<number>,
  count: number,
  options: LeastSquaresOptions = {},
): LeastSquaresResult {
  const k = start.length;
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-8;
  let x = Float64Array.from(start);
  const r = new Float64Array(count);
  const trialResiduals = new Float64Array(count);
  const jacobian = new Float64Array(count * k);
  let evaluations = 1;
  residuals(x, r);
  let sse = sumOfSquares(r);
  if (k === 0 || !Number.isFinite(sse)) return { x, sse, evaluations };
  let damping = 1e-3;
  const normal = new Float64Array(k * k);
  const gradient = new Float64Array(k);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    for (let j = 0; j < k; j++) {
      const step = 1e-6 * Math.max(1, Math.abs(x[j]));
      const saved = x[j];
      x[j] = saved + step;
      residuals(x, trialResiduals);
      evaluations++;
      x[j] = saved;
      for (let i = 0; i < count; i++) jacobian[i * k + j] = (trialResiduals[i] - r[i]) / step;
    }
    normal.fill(0);
    gradient.fill(0);
    for (let i = 0; i < count; i++) {
      const row = i * k;
      for (let a = 0; a < k; a++) {
        const ja = jacobian[row + a];
        gradient[a] -= ja * r[i];
        for (let b = 0; b <= a; b++) normal[a * k + b] += ja * jacobian[row + b];
      }
    }
    let improved = false;
    while (damping < 1e12) {
      const damped = Float64Array.from(normal);
      for (let a = 0; a < k; a++) damped[a * k + a] += damping * Math.max(normal[a * k + a], 1e-12);
      const delta = solveCholesky(damped, gradient, k);
      const trial = x.map((v, j) => v + delta[j]);
      residuals(trial, trialResiduals);
      evaluations++;
      const trialSse = sumOfSquares(trialResiduals);
      if (trialSse < sse) {
        const gain = (sse - trialSse) / sse;
        x = trial;
        r.set(trialResiduals);
        sse = trialSse;
        damping = Math.max(damping * 0.3, 1e-12);
        improved = gain >= tolerance;
        break;
      }
      damping *= 4;
    }
    if (!improved) break;
  }
  return { x, sse, evaluations };
}
