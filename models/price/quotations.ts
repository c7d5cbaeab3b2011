import { InputError } from '../../platform/errors.ts';
import type { FeatureMatrix } from './matrix.ts';

/**
 * Quotations as the price model learns from them: one feature row per quotation (built elsewhere, point-in-time),
 * the price quoted (`target`), its cost and when it was quoted. Validation names the field at fault.
 */
export type FeatureRow = Record<string, number>;

export interface Quotation {
  features: FeatureRow;
  /** Price quoted to the customer, in the price currency. */
  target: number;
  cost: number;
  quotedAt: Date | string;
}

export interface QuotationTable {
  x: FeatureMatrix;
  price: Float64Array;
  cost: Float64Array;
  /** Epoch milliseconds. */
  quotedAt: Float64Array;
}

export function checkFeatureNames(featureNames: readonly string[]): void {
  if (!Array.isArray(featureNames) || featureNames.length === 0) throw new InputError('featureNames must list at least one feature', 'featureNames');
  const seen = new Set<string>();
  for (const name of featureNames) {
    if (typeof name !== 'string' || name === '') throw new InputError('featureNames must be non-empty strings', 'featureNames');
    if (seen.has(name)) throw new InputError(`feature "${name}" is listed twice in featureNames`, 'featureNames');
    seen.add(name);
  }
}

export function checkCost(cost: number, where = ''): void {
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost <= 0) throw new InputError(`cost must be a positive number${where}, got ${String(cost)}`, 'cost');
}

/** Writes one quotation's features into `out` in featureNames order. */
export function featureVector(features: FeatureRow, featureNames: readonly string[], out: Float64Array, offset = 0, where = ''): void {
  if (features === null || typeof features !== 'object') throw new InputError(`features must be an object of numbers${where}`, 'features');
  for (let f = 0; f < featureNames.length; f++) {
    const name = featureNames[f];
    const value = features[name];
    if (value === undefined) throw new InputError(`feature "${name}" is missing${where}`, name);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError(`feature "${name}" must be a finite number${where}, got ${String(value)}`, name);
    out[offset + f] = value;
  }
}

function timeOf(quotedAt: Date | string, where: string): number {
  const t = quotedAt instanceof Date ? quotedAt.getTime() : typeof quotedAt === 'string' ? Date.parse(quotedAt) : NaN;
  if (!Number.isFinite(t)) throw new InputError(`quotedAt must be a date or an ISO date string${where}, got ${String(quotedAt)}`, 'quotedAt');
  return t;
}

export function quotationTable(rows: readonly Quotation[], featureNames: readonly string[]): QuotationTable {
  checkFeatureNames(featureNames);
  if (!Array.isArray(rows) || rows.length === 0) throw new InputError('training set is empty: no quotations given', 'rows');
  const columns = featureNames.length;
  const table: QuotationTable = {
    x: { values: new Float64Array(rows.length * columns), rows: rows.length, columns },
    price: new Float64Array(rows.length),
    cost: new Float64Array(rows.length),
    quotedAt: new Float64Array(rows.length),
  };
  rows.forEach((q, i) => {
    const where = ` (quotation ${i})`;
    featureVector(q.features, featureNames, table.x.values, i * columns, where);
    checkCost(q.cost, where);
    if (typeof q.target !== 'number' || !Number.isFinite(q.target) || q.target <= 0) {
      throw new InputError(`target (the quoted price) must be a positive number${where}, got ${String(q.target)}`, 'target');
    }
    table.price[i] = q.target;
    table.cost[i] = q.cost;
    table.quotedAt[i] = timeOf(q.quotedAt, where);
  });
  return table;
}

/**
 * Time-based split: the latest `fraction` of quotations (by quotedAt) are held out, as the model will always be
 * asked about quotations later than the ones it learnt from. Ties are broken by position, so the split is stable.
 */
export function timeSplit(quotedAt: Float64Array, fraction: number): { train: Uint32Array; holdout: Uint32Array } {
  const order = Array.from({ length: quotedAt.length }, (_, i) => i).sort((a, b) => quotedAt[a] - quotedAt[b] || a - b);
  const holdoutCount = Math.round(quotedAt.length * fraction);
  const cut = quotedAt.length - holdoutCount;
  return { train: Uint32Array.from(order.slice(0, cut)), holdout: Uint32Array.from(order.slice(cut)) };
}

/**
 * The learning target: the log of the markup, log(price / cost). Prices scale with cost, so the markup is what
 * seasons, lead time and group size move; in logs those moves are relative (+10% in peak season whatever the
 * tour), errors on a USD 300 day trip and a USD 5,000 circuit weigh alike, and price = cost · exp(prediction) is
 * always positive.
 */
export function logMarkup(price: number, cost: number): number {
  return Math.log(price / cost);
}
