import { InputError } from '../../platform/errors.ts';
import type { FeatureMatrix } from './matrix.ts';

/** Input checks shared by the learners; each error names the field at fault so a caller can fix its data. */
export function columnName(featureNames: readonly string[] | undefined, f: number): string {
  return featureNames?.[f] ?? `feature ${f}`;
}

export function checkFeatureMatrix(x: FeatureMatrix, featureNames?: readonly string[]): void {
  if (x.columns < 1) throw new InputError('at least one feature is needed', 'featureNames');
  if (x.values.length !== x.rows * x.columns) {
    throw new InputError(`feature matrix holds ${x.values.length} values, expected ${x.rows} rows x ${x.columns} features`, 'features');
  }
  for (let i = 0; i < x.values.length; i++) {
    if (!Number.isFinite(x.values[i])) {
      const f = i % x.columns;
      throw new InputError(`${columnName(featureNames, f)} is ${x.values[i]} in row ${Math.floor(i / x.columns)}; features must be finite numbers`, columnName(featureNames, f));
    }
  }
}

export function checkTrainingSet(x: FeatureMatrix, y: Float64Array, featureNames?: readonly string[]): void {
  if (x.rows === 0) throw new InputError('training set is empty', 'rows');
  if (y.length !== x.rows) throw new InputError(`target has ${y.length} values for ${x.rows} rows`, 'target');
  checkFeatureMatrix(x, featureNames);
  for (let r = 0; r < y.length; r++) {
    if (!Number.isFinite(y[r])) throw new InputError(`target is ${y[r]} in row ${r}; it must be a finite number`, 'target');
  }
}

export function checkColumnsMatch(x: FeatureMatrix, columns: number): void {
  if (x.columns !== columns) throw new InputError(`rows have ${x.columns} features, the model was fitted on ${columns}`, 'features');
}

export function checkRange(name: string, value: number, min: number, max: number, integer = false): void {
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max || (integer && Number.isFinite(value) && !Number.isInteger(value))) {
    throw new InputError(`${name} must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max}, got ${String(value)}`, name);
  }
}
