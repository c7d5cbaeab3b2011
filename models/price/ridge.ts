import { solveCholesky } from '../../platform/maths/cholesky.ts';
import type { FeatureMatrix } from './matrix.ts';

/**
 * Ridge regression in closed form, the linear baseline: features are standardised so that one penalty α treats
 * them alike, then (ZᵀZ + αI) β = Zᵀ(y − ȳ) is solved by Cholesky. Coefficients are returned on the raw scale.
 */
export interface RidgeCoefficients {
  intercept: number;
  weights: Float64Array;
}

export function fitRidge(x: FeatureMatrix, y: Float64Array, alpha = 1): RidgeCoefficients {
  const { rows, columns: p, values } = x;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let r = 0; r < rows; r++) for (let f = 0; f < p; f++) mean[f] += values[r * p + f] / rows;
  for (let r = 0; r < rows; r++) for (let f = 0; f < p; f++) scale[f] += (values[r * p + f] - mean[f]) ** 2 / rows;
  // A constant feature carries no information: scale 1 keeps it at zero after centring instead of dividing by 0.
  for (let f = 0; f < p; f++) scale[f] = scale[f] > 0 ? Math.sqrt(scale[f]) : 1;
  let yMean = 0;
  for (let r = 0; r < rows; r++) yMean += y[r] / rows;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const z = new Float64Array(p);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < p; f++) z[f] = (values[r * p + f] - mean[f]) / scale[f];
    for (let i = 0; i < p; i++) {
      rhs[i] += z[i] * (y[r] - yMean);
      for (let j = 0; j <= i; j++) gram[i * p + j] += z[i] * z[j];
    }
  }
  for (let i = 0; i < p; i++) {
    gram[i * p + i] += alpha;
    for (let j = 0; j < i; j++) gram[j * p + i] = gram[i * p + j];
  }
  const beta = solveCholesky(gram, rhs, p);
  const weights = new Float64Array(p);
  let intercept = yMean;
  for (let f = 0; f < p; f++) {
    weights[f] = beta[f] / scale[f];
    intercept -= weights[f] * mean[f];
  }
  return { intercept, weights };
}

export function predictRidge(c: RidgeCoefficients, x: FeatureMatrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    let s = c.intercept;
    for (let f = 0; f < x.columns; f++) s += c.weights[f] * x.values[r * x.columns + f];
    out[r] = s;
  }
  return out;
}
