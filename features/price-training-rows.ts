import type { ClickHouseClient } from '@clickhouse/client';
import type { SegmentAssigner } from './customer-segment.ts';
import { priceFeatureValues, type PriceFeatureRow } from './price-feature-values.ts';
import { parseChDateTime, queryRows } from './warehouse-query.ts';

/**
 * The price model's training set from the materialised price_training_rows: one quotation per row with its
 * point-in-time features, the customer segment assigned by `segmentation` from the customer's history as of the
 * quote, the quoted price as target and the quotation's cost. `acceptedOnly` keeps the prices customers took.
 * The rows have the shape models/price's training data asks for (its Quotation), without features depending on it.
 */
export interface PriceTrainingQuotation {
  /** Every price feature by name (PRICE_FEATURE_NAMES), finite. */
  features: Record<string, number>;
  /** The price quoted to the customer. */
  target: number;
  cost: number;
  quotedAt: Date;
}

export interface PriceTrainingSet {
  quotations: PriceTrainingQuotation[];
  /** Per quotation: the features that fell back to their defaults. */
  defaulted: string[][];
  quotationIds: number[];
}

export async function readPriceTrainingRows(client: ClickHouseClient, options: { acceptedOnly?: boolean } = {}): Promise<PriceFeatureRow[]> {
  return queryRows<PriceFeatureRow>(
    client,
    `SELECT * EXCEPT (built_at) FROM price_training_rows ${options.acceptedOnly === false ? '' : 'WHERE accepted = 1'} ORDER BY quoted_at, quotation_id`,
  );
}

export function toPriceTrainingSet(rows: readonly PriceFeatureRow[], segmentation: SegmentAssigner | null | undefined): PriceTrainingSet {
  const values = priceFeatureValues(rows, segmentation);
  return {
    quotations: rows.map((row, i) => ({
      features: values[i].values,
      target: Number(row.price),
      cost: Number(row.cost),
      quotedAt: parseChDateTime(String(row.quoted_at)),
    })),
    defaulted: values.map((v) => v.defaulted),
    quotationIds: rows.map((row) => Number(row.quotation_id)),
  };
}
