import type { ClickHouseClient } from '@clickhouse/client';
import { SpiritError } from '../../platform/errors.ts';

/**
 * How far a table's ingest got: the (change_xid, key) of the last row of the last batch that ClickHouse fully
 * accepted; every row and deletion ordered at or before it is in ClickHouse. Kept in ClickHouse next to the data
 * it describes (ingest_positions). It is saved only after its batch is inserted, so a run killed in between
 * re-reads that batch; ReplacingMergeTree collapses the repeated rows (same version), which is what makes a
 * killed-and-restarted run end with the same data as a clean one.
 */
export interface Watermark {
  /** A PostgreSQL transaction id (xid8, stored as bigint) as decimal text. */
  changeXid: string;
  /** Key column values, as text, in the table's key order; empty means nothing copied yet (a first load). */
  key: string[];
  rowsTotal: number;
}

/** A watermark as saved, with the PostgreSQL cluster whose transaction ids it counts in (see source-cluster.ts). */
export interface SavedWatermark extends Watermark {
  /** pg_control_system()'s system_identifier; '' for a watermark saved before warehouse migration 008 recorded it. */
  sourceCluster: string;
}

const XID = /^\d{1,18}$/;
const INTEGER = /^-?\d{1,19}$/;

export async function readWatermarks(client: ClickHouseClient): Promise<Map<string, SavedWatermark>> {
  const result = await client.query({
    query: `SELECT table_name, toString(change_xid) AS change_xid, row_key, rows_total, source_cluster FROM ingest_positions FINAL`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ table_name: string; change_xid: string; row_key: string; rows_total: string | number; source_cluster: string }>();
  return new Map(
    rows.map((r) => [r.table_name, { changeXid: r.change_xid, key: JSON.parse(r.row_key) as string[], rowsTotal: Number(r.rows_total), sourceCluster: r.source_cluster }]),
  );
}

let lastSavedAt = 0;

/** `sourceCluster`: the PostgreSQL cluster the copied rows came from (clusterIdentity in source-cluster.ts). */
export async function saveWatermark(client: ClickHouseClient, table: string, mark: Watermark, runId: string, sourceCluster: string): Promise<void> {
  checkWatermark(table, mark);
  // The row with the greatest saved_at wins: two saves within one millisecond must still be ordered.
  lastSavedAt = Math.max(Date.now() * 1000, lastSavedAt + 1);
  await client.insert({
    table: 'ingest_positions',
    values: [{ table_name: table, change_xid: mark.changeXid, row_key: JSON.stringify(mark.key), rows_total: mark.rowsTotal, run_id: runId, saved_at: lastSavedAt, source_cluster: sourceCluster }],
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}

export async function resetWatermarks(client: ClickHouseClient, tables: readonly string[], sourceCluster: string): Promise<void> {
  // An empty key is the same as no watermark; inserted rather than deleted so history stays append-only.
  for (const table of tables) {
    await saveWatermark(client, table, { changeXid: '0', key: [], rowsTotal: 0 }, 'reset', sourceCluster);
  }
}

/**
 * Watermark values end up as literals in a COPY statement (COPY takes no parameters), so they are checked
 * against strict patterns first: whole numbers, nothing else can get through.
 */
export function checkWatermark(table: string, mark: Watermark): void {
  if (!XID.test(mark.changeXid)) throw new SpiritError('bad_watermark', `watermark of ${table} has a malformed transaction id "${mark.changeXid}"`);
  for (const part of mark.key) {
    if (!INTEGER.test(part)) throw new SpiritError('bad_watermark', `watermark of ${table} has a malformed key "${part}"`);
  }
}
