import { InputError } from '../../platform/errors.ts';

/**
 * Customer feature rows as computed in ClickHouse (age, travel frequency, average budget, average group size,
 * advance booking days, cancellation rate, satisfaction…), one row per customer, columns in `featureNames` order.
 * NaN marks a missing value (a customer with no rated trip has no satisfaction).
 */
export interface CustomerFeatures {
  customerIds: readonly string[] | readonly number[];
  featureNames: readonly string[];
  rows: readonly (readonly number[])[];
}

function who(customerIds: CustomerFeatures['customerIds'] | undefined, row: number): string {
  return customerIds ? `row ${row} (customer ${String(customerIds[row])})` : `row ${row}`;
}

/** Rows must have `width` values, each a number; NaN is allowed (missing), ±Infinity is not. */
export function checkRows(rows: readonly (readonly number[])[], featureNames: readonly string[], customerIds?: CustomerFeatures['customerIds']): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError('rows is empty: there are no customers to segment', 'rows');
  const width = featureNames.length;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== width) {
      throw new InputError(`${who(customerIds, r)} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width} (one per feature name)`, 'rows');
    }
    for (let c = 0; c < width; c++) {
      const value = row[c];
      if (typeof value !== 'number' || value === Infinity || value === -Infinity) {
        throw new InputError(`${who(customerIds, r)} has ${String(value)} for ${featureNames[c]}; use a number, or NaN when missing`, featureNames[c]);
      }
    }
  }
}

export function checkCustomerFeatures(data: CustomerFeatures): void {
  if (!data || typeof data !== 'object') throw new InputError('expected { customerIds, featureNames, rows }', 'data');
  const { customerIds, featureNames, rows } = data;
  if (!Array.isArray(featureNames) || featureNames.length === 0) throw new InputError('featureNames is empty: name at least one feature', 'featureNames');
  const duplicate = featureNames.find((name, i) => featureNames.indexOf(name) !== i);
  if (duplicate !== undefined) throw new InputError(`feature ${duplicate} appears twice in featureNames`, 'featureNames');
  if (!Array.isArray(customerIds) || customerIds.length !== (Array.isArray(rows) ? rows.length : 0)) {
    throw new InputError(`customerIds has ${Array.isArray(customerIds) ? customerIds.length : 'no'} entries for ${Array.isArray(rows) ? rows.length : 0} rows`, 'customerIds');
  }
  checkRows(rows, featureNames, customerIds);
}
