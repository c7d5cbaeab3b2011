import type { ClickHouseClient } from '@clickhouse/client';
import type { Quotation } from '../models/price/quotations.ts';
import type { CustomerSegmenter } from '../models/segmentation/customer-segmenter.ts';
import { priceFeatureValues, type PriceFeatureRow } from './price-feature-values.ts';
import { parseChDateTime, queryRows } from './warehouse-query.ts';

/**
 * The price model's training set from the materialised price_training_rows: one quotation per row with its
 * point-in-time features, the customer segment assigned by `segmenter` from the customer's history as of the quote,
 * the quoted price as target and the quotation's cost. `acceptedOnly` keeps the prices customers took.
 */
export interface PriceTrainingSet {
  quotations: Quotation[];
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

export function toPriceTrainingSet(rows: readonly PriceFeatureRow[], segmenter: CustomerSegmenter | null | undefined): PriceTrainingSet {
  const values = priceFeatureValues(rows, segmenter);
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
