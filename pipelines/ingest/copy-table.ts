import { Readable } from 'node:stream';
import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { to as copyTo } from 'pg-copy-streams';
import type { IngestTable } from './ingest-tables.ts';
import { checkWatermark, saveWatermark, type Watermark } from './watermark.ts';

export interface CopyTableOptions {
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  table: IngestTable;
  /** Resume after this row; undefined means from the beginning. */
  from: Watermark | undefined;
  /** Upper bound on updated_at for this run (PostgreSQL timestamp text, UTC). */
  upTo: string;
  batchRows: number;
  runId: string;
  onRows?: (rows: number) => void;
  /** Test hook: called after each batch is inserted and its watermark saved. */
  afterBatch?: (batch: number) => void | Promise<void>;
}

export interface CopyTableResult {
  rows: number;
  batches: number;
  watermark: Watermark | undefined;
}

const NEWLINE = 0x0a;

/**
 * Streams one table from PostgreSQL to ClickHouse: a single ordered COPY … TO STDOUT whose text output is cut
 * into batches at row boundaries and inserted as TabSeparated, untouched (no per-row parsing in JavaScript).
 * One batch is inserted while the next one is read, and the watermark moves only after ClickHouse has a batch.
 */
export async function copyTable(opts: CopyTableOptions): Promise<CopyTableResult> {
  const { table } = opts;
  const sql = copySql(table, opts.from, opts.upTo);
  const client = await opts.pool.connect();
  let rows = opts.from?.rowsTotal ?? 0;
  let batches = 0;
  let watermark = opts.from;
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
      const previous = inFlight;
      const insert = (async () => {
        await opts.clickhouse.insert({
          table: table.name,
          values: Readable.from([body], { objectMode: false }),
          format: 'TabSeparated',
          columns: table.columns.map(([name]) => name) as [string, ...string[]],
        });
        // Watermarks must move in order: wait for the batch before this one to be recorded first.
        await previous;
        rows += count;
        batches += 1;
        watermark = { ...lastRowWatermark(body, table), rowsTotal: rows };
        await saveWatermark(opts.clickhouse, table.name, watermark, opts.runId);
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
    client.release();
  } catch (err) {
    // A failure leaves the COPY half-read; destroying the connection is the only clean way out of it.
    client.release(err as Error);
    await inFlight?.catch(() => undefined);
    throw err;
  }
  return { rows: rows - (opts.from?.rowsTotal ?? 0), batches, watermark };
}

export function copySql(table: IngestTable, from: Watermark | undefined, upTo: string): string {
  const select = table.columns.map(([name, expr]) => (expr === name ? name : `${expr} AS ${name}`)).join(', ');
  const order = ['updated_at', ...table.key];
  checkWatermark(table.name, { updatedAt: upTo, key: [], rowsTotal: 0 });
  const conditions = [`updated_at <= '${upTo}+00'::timestamptz`];
  if (from && from.key.length === table.key.length) {
    checkWatermark(table.name, from);
    // Row comparison on the (updated_at, key) index: resumes exactly after the last row ingested.
    conditions.push(`(${order.join(', ')}) > ('${from.updatedAt}+00'::timestamptz, ${from.key.join(', ')})`);
  }
  return `COPY (SELECT ${select} FROM ${table.name} WHERE ${conditions.join(' AND ')} ORDER BY ${order.join(', ')}) TO STDOUT`;
}

/** Reads updated_at and the key from the first fields of the batch's last line. */
export function lastRowWatermark(body: Buffer, table: IngestTable): Omit<Watermark, 'rowsTotal'> {
  const end = body.length - 1;
  const start = body.lastIndexOf(NEWLINE, end - 1) + 1;
  const fields = body.toString('utf8', start, end).split('\t', 1 + table.key.length);
  return { updatedAt: fields[0].replace(/\+00$/, ''), key: fields.slice(1) };
}
