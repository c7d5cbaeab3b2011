import { InputError } from '../../platform/errors.ts';

/**
 * Standard scaling with median imputation. A missing value (NaN) becomes the training median of its feature:
 * robust to the skew of budgets and lead times, and it puts the customer at the centre of that axis, so a
 * missing value neither pulls them towards a segment nor away from one. Means and standard deviations are
 * taken after imputation, so scaled training data has mean 0 and variance 1 per feature.
 */
export interface Scaling {
  medians: number[];
  means: number[];
  /** A constant feature gets 1, so it scales to 0 everywhere instead of dividing by zero. */
  sds: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function fitScaling(rows: readonly (readonly number[])[], featureNames: readonly string[]): Scaling {
  const width = featureNames.length;
  const medians: number[] = [];
  for (let c = 0; c < width; c++) {
    const present: number[] = [];
    for (const row of rows) if (!Number.isNaN(row[c])) present.push(row[c]);
    if (present.length === 0) throw new InputError(`feature ${featureNames[c]} is missing (NaN) for every customer: it has no median to impute`, featureNames[c]);
    medians.push(median(present));
  }
  const imputed = rows.map((row) => impute(row, medians));
  const means = medians.map((_, c) => imputed.reduce((sum, row) => sum + row[c], 0) / rows.length);
  const sds = means.map((mean, c) => {
    const variance = imputed.reduce((sum, row) => sum + (row[c] - mean) ** 2, 0) / rows.length;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { medians, means, sds };
}

export function impute(row: readonly number[], medians: readonly number[]): number[] {
  return row.map((value, c) => (Number.isNaN(value) ? medians[c] : value));
}

export function scaleRow(row: readonly number[], scaling: Scaling): number[] {
  return row.map((value, c) => ((Number.isNaN(value) ? scaling.medians[c] : value) - scaling.means[c]) / scaling.sds[c]);
}
