import { CUSTOMER_FEATURE_NAMES } from './customer-history.ts';
import { assignSegments, type SegmentAssigner } from './customer-segment.ts';
import { PRICE_FEATURE_NAMES, PRICE_FEATURES } from './price-feature-definitions.ts';
import { nanIfNull } from './warehouse-query.ts';

/**
 * From a row of the price feature SQL (training table or online query) to the model's numbers: the same code on
 * both paths, so a feature cannot mean one thing in training and another in serving.
 */
export type PriceFeatureRow = Record<string, number | string | null | string[]>;

export interface PriceFeatureValues {
  values: Record<string, number>;
  defaulted: string[];
}

/** The customer's history as of the quote (customer_* columns), by feature name; NaN where unknown. */
export function customerPartOf(row: PriceFeatureRow): { values: Record<string, number>; hasHistory: boolean } {
  const values = Object.fromEntries(CUSTOMER_FEATURE_NAMES.map((name) => [name, nanIfNull(row[`customer_${name}`] as number | null)]));
  return { values, hasHistory: Number.isFinite(values.avg_group_size) };
}

export function priceFeatureValues(rows: readonly PriceFeatureRow[], segmentation: SegmentAssigner | null | undefined): PriceFeatureValues[] {
  const customers = rows.map(customerPartOf);
  const segments = assignSegments(segmentation, customers);
  return rows.map((row, i) => {
    const defaulted = [...((row.defaulted as string[] | undefined) ?? [])];
    const values: Record<string, number> = {};
    for (const f of PRICE_FEATURES) {
      const raw = f.name === 'customer_segment' ? segments[i] : nanIfNull(row[f.name] as number | null);
      values[f.name] = Number.isFinite(raw) ? raw : (f.fallback ?? 0);
      if (!Number.isFinite(raw) && !defaulted.includes(f.name)) defaulted.push(f.name);
    }
    // −1 for a known customer with no booking yet is a value the model learned ("new customer"). For a walk-in
    // (customer 0) nothing is known, and without a segmenter every segment is a default.
    const walkIn = Number(row.customer_id ?? 0) === 0;
    if ((walkIn || !segmentation) && !defaulted.includes('customer_segment')) defaulted.push('customer_segment');
    return { values, defaulted: defaulted.sort((a, b) => PRICE_FEATURE_NAMES.indexOf(a) - PRICE_FEATURE_NAMES.indexOf(b)) };
  });
}
