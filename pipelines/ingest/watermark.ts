import type { ClickHouseClient } from '@clickhouse/client';
import { SpiritError } from '../../platform/errors.ts';

/**
 * How far a table's ingest got: the (updated_at, key) of the last row of the last batch that ClickHouse fully
 * accepted. Kept in ClickHouse next to the data it describes. It is saved only after its batch is inserted, so
 * a run killed in between re-reads that batch; ReplacingMergeTree collapses the repeated rows (same version),
 * which is what makes a killed-and-restarted run end with the same data as a clean one.
 */
export interface Watermark {
  /** PostgreSQL timestamp text in UTC with microseconds, e.g. `2024-01-02 10:00:00.123456`. */
  updatedAt: string;
  /** Key column values, as text, in the table's key order. */
  key: string[];
  rowsTotal: number;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;
const INTEGER = /^-?\d{1,19}$/;

export async function readWatermarks(client: ClickHouseClient): Promise<Map<string, Watermark>> {
  const result = await client.query({
    query: `SELECT table_name, toString(updated_at) AS updated_at, row_key, rows_total
              FROM ingest_watermarks FINAL`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ table_name: string; updated_at: string; row_key: string; rows_total: string | number }>();
  return new Map(rows.map((r) => [r.table_name, { updatedAt: r.updated_at, key: JSON.parse(r.row_key) as string[], rowsTotal: Number(r.rows_total) }]));
}

export async function saveWatermark(client: ClickHouseClient, table: string, mark: Watermark, runId: string): Promise<void> {
  checkWatermark(table, mark);
  await client.insert({
    table: 'ingest_watermarks',
    values: [{ table_name: table, updated_at: mark.updatedAt, row_key: JSON.stringify(mark.key), rows_total: mark.rowsTotal, run_id: runId, saved_at: Date.now() * 1000 }],
    format: 'JSONEachRow',
    clickhouse_settings: { date_time_input_format: 'best_effort' },
  });
}

export async function resetWatermarks(client: ClickHouseClient, tables: readonly string[]): Promise<void> {
  // A watermark at the epoch is the same as none; inserted rather than deleted so history stays append-only.
  for (const table of tables) {
    await saveWatermark(client, table, { updatedAt: '1970-01-01 00:00:00', key: [], rowsTotal: 0 }, 'reset');
  }
}

/**
 * Watermark values end up as literals in a COPY statement (COPY takes no parameters), so they are checked
 * against strict patterns first: a timestamp and whole numbers, nothing else can get through.
 */
export function checkWatermark(table: string, mark: Watermark): void {
  const stamp = mark.updatedAt.replace(/\+00(:00)?$/, '');
  if (!TIMESTAMP.test(stamp)) throw new SpiritError('bad_watermark', `watermark of ${table} has a malformed timestamp "${mark.updatedAt}"`);
  for (const part of mark.key) {
    if (!INTEGER.test(part)) throw new SpiritError('bad_watermark', `watermark of ${table} has a malformed key "${part}"`);
  }
}
