import { InputError } from '../../platform/errors.ts';

/**
 * Standard scaling with median imputation, after a log for right-skewed amounts. A feature with no negative
 * value and a skewness above SKEWED (budgets, group sizes, lead times) is scaled as ln(1 + x): otherwise a few
 * very large groups or budgets would each take a segment of their own, and the bulk of customers would be
 * squeezed together. Shares and ratings are not skewed that way and stay linear. A missing value (NaN) becomes the training median of its feature:
 * robust to the skew of budgets and lead times, and it puts the customer at the centre of that axis, so a
 * missing value neither pulls them towards a segment nor away from one. Means and standard deviations are
 * taken after imputation, so scaled training data has mean 0 and variance 1 per feature.
 */
export interface Scaling {
  /** Features scaled as ln(1 + x); absent in models fitted before the log was introduced (all linear). */
  logged?: boolean[];
  medians: number[];
  means: number[];
  /** A constant feature gets 1, so it scales to 0 everywhere instead of dividing by zero. */
  sds: number[];
  /** Multipliers of the standardised axes (the segmenter's emphasised features); absent = all 1. */
  weights?: number[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const SKEWED = 1;

function skewness(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const m2 = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
  const m3 = values.reduce((a, v) => a + (v - mean) ** 3, 0) / values.length;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

const toLog = (value: number) => Math.log1p(value);

export function fitScaling(rows: readonly (readonly number[])[], featureNames: readonly string[]): Scaling {
  const width = featureNames.length;
  const medians: number[] = [];
  const logged: boolean[] = [];
  for (let c = 0; c < width; c++) {
    const present: number[] = [];
    for (const row of rows) if (!Number.isNaN(row[c])) present.push(row[c]);
    if (present.length === 0) throw new InputError(`feature ${featureNames[c]} is missing (NaN) for every customer: it has no median to impute`, featureNames[c]);
    const log = present.every((v) => v >= 0) && skewness(present) > SKEWED;
    logged.push(log);
    medians.push(median(log ? present.map(toLog) : present));
  }
  const imputed = rows.map((row) => impute(transform(row, logged), medians));
  const means = medians.map((_, c) => imputed.reduce((sum, row) => sum + row[c], 0) / rows.length);
  const sds = means.map((mean, c) => {
    const variance = imputed.reduce((sum, row) => sum + (row[c] - mean) ** 2, 0) / rows.length;
    return variance > 0 ? Math.sqrt(variance) : 1;
  });
  return { logged, medians, means, sds };
}

/** The row on the scaling's axes (ln(1 + x) where logged); NaN stays NaN. */
export function transform(row: readonly number[], logged: readonly boolean[] | undefined): number[] {
  return logged ? row.map((value, c) => (logged[c] ? toLog(Math.max(0, value)) : value)) : [...row];
}

/** Back from the scaling's axes to the feature's own units. */
export function untransform(value: number, logged: readonly boolean[] | undefined, c: number): number {
  return logged?.[c] ? Math.expm1(value) : value;
}

export function impute(row: readonly number[], medians: readonly number[]): number[] {
  return row.map((value, c) => (Number.isNaN(value) ? medians[c] : value));
}

export function scaleRow(row: readonly number[], scaling: Scaling): number[] {
  return transform(row, scaling.logged).map((value, c) => (((Number.isNaN(value) ? scaling.medians[c] : value) - scaling.means[c]) / scaling.sds[c]) * (scaling.weights?.[c] ?? 1));
}
