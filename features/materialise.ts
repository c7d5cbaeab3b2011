import type { ClickHouseClient } from '@clickhouse/client';
import { SpiritError } from '../platform/errors.ts';
import { clusterOf } from '../platform/clickhouse.ts';
import { onCluster } from '../platform/clickhouse-cluster.ts';
import { command, queryRows } from './warehouse-query.ts';

/**
 * Rebuilds a feature table without readers ever seeing it half-built: the rows go into `<table>__next` (same
 * schema), which is then swapped in atomically (EXCHANGE TABLES, Atomic databases) and the old rows dropped.
 * A run that dies before the swap leaves the previous table in place; the next run drops the stale staging table.
 * One rebuild of a table at a time (the pipeline runs one build-features). On a cluster (CLICKHOUSE_CLUSTER) the
 * staging table, the swap and the drops run ON CLUSTER; the rows are written on one replica and reach the others
 * by replication, so another replica may show the new table before all of its rows for a moment.
 */
export const FEATURE_TABLES = ['price_training_rows', 'customer_features', 'customer_itinerary_interactions', 'demand_series'] as const;
export type FeatureTable = (typeof FEATURE_TABLES)[number];

export async function replaceTable(
  client: ClickHouseClient,
  table: FeatureTable,
  fill: (staging: string) => Promise<void>,
): Promise<{ rows: number }> {
  if (!FEATURE_TABLES.includes(table)) throw new SpiritError('unknown_feature_table', `${String(table)} is not a feature table (${FEATURE_TABLES.join(', ')})`);
  const staging = `${table}__next`;
  const ddl = (sql: string) => command(client, onCluster(sql, clusterOf(client)));
  await ddl(`DROP TABLE IF EXISTS ${staging}`);
  await ddl(`CREATE TABLE ${staging} AS ${table}`);
  try {
    await fill(staging);
    const [{ rows }] = await queryRows<{ rows: string }>(client, `SELECT count() AS rows FROM ${staging}`);
    await ddl(`EXCHANGE TABLES ${staging} AND ${table}`);
    return { rows: Number(rows) };
  } finally {
    await ddl(`DROP TABLE IF EXISTS ${staging}`);
  }
}
