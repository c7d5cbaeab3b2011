import crypto from 'node:crypto';
import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { startProgress } from '../../platform/progress.ts';
import { InputError } from '../../platform/errors.ts';
import { INGEST_TABLES, type IngestTable } from './ingest-tables.ts';
import { copyTable, type CopyTableResult } from './copy-table.ts';
import { readWatermarks, resetWatermarks } from './watermark.ts';

export interface IngestOptions {
  log: Logger;
  /** Only these tables (default: all). */
  tables?: string[];
  /** Rows per ClickHouse insert. */
  batchRows?: number;
  /** Tables copied at the same time (each is one PostgreSQL COPY and one insert stream). */
  concurrency?: number;
  /**
   * Rows updated in the last `lagSeconds` wait for the next run. An insert's updated_at is its transaction's
   * start time, so a transaction that commits late could otherwise land behind a watermark already passed.
   */
  lagSeconds?: number;
  /** Ignore watermarks and copy everything again (the result is the same data: rows collapse by version). */
  full?: boolean;
  runId?: string;
  /** Test hook, see copyTable. */
  afterBatch?: (table: string, batch: number) => void | Promise<void>;
}

export interface IngestReport {
  runId: string;
  upTo: string;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  tables: Record<string, { rows: number; batches: number; seconds: number }>;
}

/**
 * Incremental, idempotent pull of the booking system into ClickHouse. Each table resumes after its watermark
 * and stops at one upper bound for the whole run, so the tables of one run describe the same moment.
 */
export async function ingest(pool: pg.Pool, clickhouse: ClickHouseClient, opts: IngestOptions): Promise<IngestReport> {
  const tables = selectTables(opts.tables);
  const batchRows = opts.batchRows ?? 250_000;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InputError(`batchRows must be a positive whole number, got ${batchRows}`, 'batchRows');
  const concurrency = Math.max(1, opts.concurrency ?? 3);
  const runId = opts.runId ?? crypto.randomUUID();
  const started = performance.now();
  if (opts.full) await resetWatermarks(clickhouse, tables.map((t) => t.name));
  const watermarks = await readWatermarks(clickhouse);
  const upTo = await upperBound(pool, opts.lagSeconds ?? 5);
  const total = await pendingRows(pool, tables, watermarks);
  const progress = startProgress('ingest', total, opts.log);
  const report: IngestReport['tables'] = {};

  // Largest first, so the long tables start at once and the small ones fill the gaps.
  const queue = [...tables].sort((a, b) => weight(b) - weight(a));
  const worker = async () => {
    for (let table = queue.shift(); table; table = queue.shift()) {
      const tableStarted = performance.now();
      const result: CopyTableResult = await copyTable({
        pool,
        clickhouse,
        table,
        from: watermarks.get(table.name),
        upTo,
        batchRows,
        runId,
        onRows: (n) => progress.add(n),
        afterBatch: async (batch) => {
          opts.log.debug('batch inserted', { table: table.name, batch });
          await opts.afterBatch?.(table.name, batch);
        },
      });
      report[table.name] = { rows: result.rows, batches: result.batches, seconds: round((performance.now() - tableStarted) / 1000) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tables.length) }, worker));
  const done = progress.done();
  const seconds = (performance.now() - started) / 1000;
  const rows = Object.values(report).reduce((sum, t) => sum + t.rows, 0);
  opts.log.info('ingest finished', { runId, rows, seconds: round(seconds), rowsPerSecond: Math.round(done.perSecond) });
  return { runId, upTo, seconds: round(seconds), rows, rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-9)), tables: report };
}

function selectTables(names: string[] | undefined): IngestTable[] {
  if (!names || names.length === 0) return [...INGEST_TABLES];
  return names.map((name) => {
    const table = INGEST_TABLES.find((t) => t.name === name);
    if (!table) throw new InputError(`unknown table "${name}"; known: ${INGEST_TABLES.map((t) => t.name).join(', ')}`, 'tables');
    return table;
  });
}

const HEAVY = new Set(['bookings', 'quotations', 'quotation_versions', 'booking_status_history', 'payments']);
function weight(table: IngestTable): number {
  return HEAVY.has(table.name) ? 1 : 0;
}

/**
 * The run's upper bound on updated_at: `lagSeconds` ago, or earlier if a writing transaction older than that is
 * still open (its rows, when it commits, will carry its start time).
 */
async function upperBound(pool: pg.Pool, lagSeconds: number): Promise<string> {
  const { rows } = await pool.query<{ up_to: string }>(
    `SELECT to_char(least(clock_timestamp() - make_interval(secs => $1), coalesce(min(xact_start), 'infinity')) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD HH24:MI:SS.US') AS up_to
       FROM pg_stat_activity
      WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() AND datname = current_database()`,
    [lagSeconds],
  );
  return rows[0].up_to;
}

/** Rows to copy, for progress (estimated from the statistics for tables copied from the start). */
async function pendingRows(pool: pg.Pool, tables: IngestTable[], watermarks: Map<string, unknown>): Promise<number | undefined> {
  const fresh = tables.filter((t) => !watermarks.has(t.name)).map((t) => t.name);
  if (fresh.length !== tables.length) return undefined;
  const { rows } = await pool.query<{ n: string }>(
    `SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint AS n FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
    [fresh],
  );
  const n = Number(rows[0].n);
  return n > 0 ? n : undefined;
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
