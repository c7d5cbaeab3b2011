import type { ClickHouseClient } from '@clickhouse/client';
import { InputError } from '../platform/errors.ts';
import { ALL_FACTS } from './known-facts.ts';
import { CUSTOMER_FEATURE_NAMES, customerFeatureSelect, customerHistoryCtes } from './customer-history.ts';
import { chDateTime, nanIfNull, queryRows } from './warehouse-query.ts';

/**
 * Customer features for segmentation (issue 3; v2 adds what they ask for, issue 24): one row per customer as of a
 * moment, from the customer's history before it (customer-history.ts). Training reads every customer with at least one booking; serving reads one
 * customer to assign a segment to a new or changed customer.
 */
export const CUSTOMER_FEATURES_VERSION = 'customer-features-v2';

export const CUSTOMER_FEATURE_SETTINGS = { join_use_nulls: 1 } as const;

/**
 * Every customer known to have booked before {asOf} and not erased (a rebuild must not bring back what an erasure
 * dropped), or with `scoped` the one {scopeCustomerId} (history or not; serving withholds an erased one itself).
 */
export function customerFeaturesSql(scoped = false): string {
  return `WITH
${[...ALL_FACTS, ...customerHistoryCtes(scoped)].join(',\n')}
SELECT c.id AS customer_id, c.at AS as_of, c.country AS country, c.customer_type AS customer_type,
  ${customerFeatureSelect('h', 'p', 'c.at')}
FROM (SELECT id, country, customer_type, {asOf:DateTime64(6, 'UTC')} AS at FROM customers FINAL WHERE ${scoped ? 'id = {scopeCustomerId:UInt64}' : 'erased_at IS NULL'}) AS c
ASOF ${scoped ? 'LEFT' : 'INNER'} JOIN customer_history AS h ON h.customer_id = c.id AND h.known_at < c.at
LEFT JOIN customer_profiles AS p ON p.customer_id = c.id${scoped ? '' : `
WHERE h.bookings > 0`}`;
}

export interface CustomerFeatureRows {
  customerIds: number[];
  featureNames: string[];
  /** NaN where unknown, columns in featureNames order. */
  rows: number[][];
  countries: string[];
  customerTypes: string[];
}

type Row = Record<string, number | string | null>;

function toRows(rows: Row[]): CustomerFeatureRows {
  return {
    customerIds: rows.map((r) => Number(r.customer_id)),
    featureNames: [...CUSTOMER_FEATURE_NAMES],
    rows: rows.map((r) => CUSTOMER_FEATURE_NAMES.map((name) => nanIfNull(r[name] as number | null))),
    countries: rows.map((r) => String(r.country)),
    customerTypes: rows.map((r) => String(r.customer_type)),
  };
}

/** The materialised table (built by build-features) in the segmenter's shape, ordered by customer. */
export async function readCustomerFeatures(client: ClickHouseClient): Promise<CustomerFeatureRows & { asOf: string | null }> {
  const rows = await queryRows<Row>(client, `SELECT * FROM customer_features ORDER BY customer_id`);
  return { ...toRows(rows), asOf: rows.length ? String(rows[0].as_of) : null };
}

/**
 * Every customer with a booking before `at`, with their features as of `at`: what build-features materialises for
 * its own moment, for a moment in the past (a held-out window's start).
 */
export async function customerFeaturesAsOf(client: ClickHouseClient, at: Date): Promise<CustomerFeatureRows> {
  return toRows(await queryRows<Row>(client, `${customerFeaturesSql()} ORDER BY customer_id`, { asOf: chDateTime(at) }, CUSTOMER_FEATURE_SETTINGS));
}

/**
 * One customer's features as of `at` (default now), for serving: a customer without history gets NaN everywhere
 * but their age, and `hasHistory: false`. An unknown customer id gives undefined.
 */
export async function customerFeaturesFor(
  client: ClickHouseClient,
  customerId: number,
  at: Date = new Date(),
): Promise<{ values: Record<string, number>; row: number[]; hasHistory: boolean } | undefined> {
  if (!Number.isSafeInteger(customerId) || customerId <= 0) throw new InputError(`customerId must be a positive whole number, got ${String(customerId)}`, 'customerId');
  const rows = await queryRows<Row>(client, customerFeaturesSql(true), { asOf: chDateTime(at), scopeCustomerId: customerId }, CUSTOMER_FEATURE_SETTINGS);
  if (rows.length === 0) return undefined;
  const { rows: [row] } = toRows(rows);
  const values = Object.fromEntries(CUSTOMER_FEATURE_NAMES.map((name, i) => [name, row[i]]));
  return { values, row, hasHistory: Number.isFinite(values.avg_group_size) };
}
