import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { to as copyTo } from 'pg-copy-streams';
import { insertFormatted } from '../../platform/clickhouse.ts';
import type { IngestTable } from './ingest-tables.ts';
import { checkWatermark, saveWatermark, type Watermark } from './watermark.ts';
import { batchInsertSettings } from './batch-token.ts';

export interface CopyTableOptions {
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  table: IngestTable;
  /** Resume after this row; undefined means the table's first load. */
  from: Watermark | undefined;
  /**
   * The run's snapshot horizon (a transaction id as decimal text): every transaction below it has ended, so rows whose
   * change_xid is below it are final as far as this run goes; the rest wait for the next run.
   */
  horizon: string;
  batchRows: number;
  runId: string;
  /** The PostgreSQL cluster read (clusterIdentity), recorded with each watermark. */
  sourceCluster: string;
  onRows?: (rows: number) => void;
  /** Only the tombstones: the rows themselves are already in ClickHouse (pulled by ClickHouse, see pull-table.ts). */
  deletionsOnly?: boolean;
  /** Test hook: called after each batch is inserted (and, when incremental, its watermark saved). */
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface CopyTableResult {
  rows: number;
  batches: number;
  watermark: Watermark | undefined;
}

const NEWLINE = 0x0a;
/** Greater than any bigint key: a finished run has copied every row below its horizon, whatever the key. */
export const MAX_KEY = '9223372036854775807';
/** Less than any bigint key. */
export const MIN_KEY = '-9223372036854775808';

/**
 * A batch is parsed by one thread (parallel parsing would hold a chunk per thread of a batch this process already
 * holds whole) and is not collapsed on insert: a batch of rows holds each key once, and FINAL and the merges
 * collapse every other repeat (a key's tombstones, a batch copied again) as they always did.
 */
const ONE_PASS_INSERT = { input_format_parallel_parsing: 0, optimize_on_insert: 0 } as const;

/**
 * Streams one table from PostgreSQL to ClickHouse: one COPY … TO STDOUT whose text output is cut into batches at
 * row boundaries and inserted as TabSeparated, untouched (no per-row parsing in JavaScript). One batch is
 * inserted while the next one is read. The same COPY carries the table's deletions (tombstones, is_deleted = 1).
 *
 * Two modes. Incremental (a watermark exists): rows come in (change_xid, key) order, and the watermark moves to
 * the last row of each batch once ClickHouse has it, so a crash loses at most the batch in flight. First load:
 * rows come in storage order, which PostgreSQL reads faster than through the watermark index, and the watermark
 * is saved once at the end; a crash means the first load runs again, which is safe because the repeated rows
 * collapse (ReplacingMergeTree, same version). Either way a finished run leaves the watermark just below the
 * horizon: every transaction under it has been copied.
 */
export async function copyTable(opts: CopyTableOptions): Promise<CopyTableResult> {
  const { table } = opts;
  const incremental = opts.from !== undefined && opts.from.key.length === table.key.length;
  const sql = copySql(table, incremental ? opts.from : undefined, opts.horizon, opts.deletionsOnly ? 'deletions' : 'all');
  const client = await opts.pool.connect();
  const rowsBefore = incremental ? opts.from!.rowsTotal : 0;
  let rows = rowsBefore;
  let batches = 0;
  let watermark = incremental ? opts.from : undefined;
  // Where the next batch starts, known as soon as a batch is cut (the watermark moves only once it is in).
  let batchStart = watermark;
  let inFlight: Promise<void> | undefined;
  try {
    const stream = client.query(copyTo(sql));
    let chunks: Buffer[] = [];
    let batchRows = 0;

    const flush = async () => {
      if (batchRows === 0) return;
      const body = Buffer.concat(chunks);
      const count = batchRows;
      chunks = [];
      batchRows = 0;
      const end = incremental ? lastRowWatermark(body, table) : undefined;
      const deduplication = batchStart && end ? batchInsertSettings(table.name, opts.deletionsOnly ? 'deletions' : 'all', batchStart, end, opts.batchRows) : {};
      batchStart = end && { ...end, rowsTotal: 0 };
      const previous = inFlight;
      const insert = (async () => {
        await insertFormatted(opts.clickhouse, {
          table: table.name,
          columns: copiedColumns(table),
          format: 'TabSeparated',
          body,
          settings: { date_time_input_format: 'basic', ...ONE_PASS_INSERT, ...deduplication },
        });
        // Watermarks must move in order: wait for the batch before this one to be recorded first.
        await previous;
        rows += count;
        batches += 1;
        if (end) {
          watermark = { ...end, rowsTotal: rows };
          await saveWatermark(opts.clickhouse, table.name, watermark, opts.runId, opts.sourceCluster);
        }
        opts.onRows?.(count);
        await opts.afterBatch?.(batches);
      })();
      // Marks the rejection as handled until it is awaited below, so a failed insert surfaces as this
      // function's error rather than as an unhandled rejection while the next batch is being read.
      insert.catch(() => undefined);
      // At most one insert runs while the next batch is read: memory stays at about two batches.
      if (previous) await previous;
      inFlight = insert;
    };

    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      let at = chunk.indexOf(NEWLINE, start);
      while (at !== -1) {
        batchRows += 1;
        if (batchRows === opts.batchRows) {
          chunks.push(chunk.subarray(start, at + 1));
          start = at + 1;
          await flush();
        }
        at = chunk.indexOf(NEWLINE, at + 1);
      }
      if (start < chunk.length) chunks.push(chunk.subarray(start));
    }
    await flush();
    await inFlight;
    watermark = { changeXid: (BigInt(opts.horizon) - 1n).toString(), key: table.key.map(() => MAX_KEY), rowsTotal: rows };
    await saveWatermark(opts.clickhouse, table.name, watermark, opts.runId, opts.sourceCluster);
    client.release();
  } catch (err) {
    // A failure leaves the COPY half-read; destroying the connection is the only clean way out of it.
    client.release(err as Error);
    await inFlight?.catch(() => undefined);
    throw err;
  }
  return { rows: rows - rowsBefore, batches, watermark };
}

export function copySql(table: IngestTable, from: Watermark | undefined, horizon: string, parts: 'all' | 'deletions' = 'all'): string {
  return `COPY (${changesQuery(table, from, horizon, from !== undefined, parts)}) TO STDOUT`;
}

/**
 * The table's rows and tombstones after `from` (all of them when undefined) and below the horizon; ordered by
 * (change_xid, key) when `ordered`, so that the last row of a batch is a place to resume from.
 */
export function changesQuery(table: IngestTable, from: Watermark | undefined, horizon: string, ordered: boolean, parts: 'all' | 'deletions' = 'all'): string {
  checkWatermark(table.name, { changeXid: horizon, key: [], rowsTotal: 0 });
  if (from) checkWatermark(table.name, from);
  const t = table.name;
  const rest = table.columns.slice(1).map(([name, expr]) => (expr === name ? `${t}.${name}` : `${expr} AS ${name}`));
  const keys = (alias: string) => table.key.map((k) => `${alias}.${k}`).join(', ');
  const after = (xid: string) => (from ? ` AND (${xid}, ${keys(t)}) > (${from.changeXid}, ${from.key.join(', ')})` : '');
  const live = `SELECT ${t}.change_xid, ${rest.join(', ')}, 0 AS is_deleted FROM ${t}
    WHERE ${t}.change_xid < ${horizon}${after(`${t}.change_xid`)}`;
  // The deleted row, rebuilt from its tombstone under the table's own name and columns (plus the deleting
  // transaction's id), so that the same column expressions apply. A key that exists again (deleted and inserted
  // anew) is left to its live row.
  const deleted = `SELECT ${t}.tombstone_xid, ${rest.join(', ')}, 1 AS is_deleted
    FROM (SELECT _d.change_xid AS tombstone_xid, _r.*
            FROM ingest_deletions AS _d CROSS JOIN LATERAL jsonb_populate_record(NULL::${t}, _d.old_row) AS _r
           WHERE _d.table_name = '${t}' AND _d.change_xid < ${horizon}${from ? ` AND _d.change_xid >= ${from.changeXid}` : ''}) AS ${t}
    WHERE NOT EXISTS (SELECT 1 FROM ${t} AS _live WHERE (${keys('_live')}) = (${keys(t)}))${after(`${t}.tombstone_xid`)}`;
  const order = ordered ? ` ORDER BY ${table.columns.slice(0, 1 + table.key.length).map((_, i) => i + 1).join(', ')}` : '';
  return `${parts === 'all' ? `${live} UNION ALL ` : ''}${deleted}${order}`;
}

/** ClickHouse columns in the order copySql writes them. */
export function copiedColumns(table: IngestTable): string[] {
  return [...table.columns.map(([name]) => name), 'is_deleted'];
}

/** Reads change_xid and the key from the first fields of the batch's last line. */
export function lastRowWatermark(body: Buffer, table: IngestTable): Omit<Watermark, 'rowsTotal'> {
  const end = body.length - 1;
  const start = body.lastIndexOf(NEWLINE, end - 1) + 1;
  const fields = body.toString('utf8', start, end).split('\t', 1 + table.key.length);
  return { changeXid: fields[0], key: fields.slice(1) };
}
