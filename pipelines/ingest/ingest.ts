import crypto from 'node:crypto';
import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { startProgress } from '../../platform/progress.ts';
import { InputError, SpiritError } from '../../platform/errors.ts';
import { INGEST_TABLES, type IngestTable } from './ingest-tables.ts';
import { changesQuery, copyTable, type CopyTableResult } from './copy-table.ts';
import { pullTable, pullUnavailable, sourceOf, type PostgresSource } from './pull-table.ts';
import { readWatermarks, resetWatermarks, type Watermark } from './watermark.ts';
import { clusterIdentity, emptyCopies, SourceChanged, sourceMismatches } from './source-cluster.ts';
import { holdErasuresBack } from '../../platform/copies-under-way.ts';
import { forgetCopiedTombstones } from './forget-tombstones.ts';
import { firstUnstorableValue } from './unstorable-values.ts';

export interface IngestOptions {
  log: Logger;
  /** Only these tables (default: all). */
  tables?: string[];
  /** Rows per ClickHouse insert on the copy path, and per tombstone batch (default DEFAULT_BATCH_ROWS). */
  batchRows?: number;
  /** Tables copied at the same time (default 2 when ClickHouse pulls, 1 on the copy path). */
  concurrency?: number;
  /**
   * Who reads PostgreSQL: `pull` has ClickHouse read it with postgresql() (pull-table.ts), `copy` streams COPY
   * through this process (copy-table.ts), `auto` (the default) pulls when ClickHouse can reach PostgreSQL and reads
   * it the same way, and copies otherwise.
   */
  path?: 'auto' | 'pull' | 'copy';
  /**
   * Ignore watermarks and copy everything again (the result is the same data: rows collapse by version). Copies
   * that another PostgreSQL cluster filled (see source-cluster.ts) are emptied first, with the tables their inserts
   * feed through materialized views (fed-tables.ts): a rebuild.
   */
  full?: boolean;
  /** Days a copied tombstone stays in ingest_deletions for another warehouse before it is deleted (default 7). */
  keepTombstonesDays?: number;
  runId?: string;
  /** Test hook, see copyTable (the COPY path only). */
  afterBatch?: (table: string, batch: number) => void | Promise<void>;
}

export interface IngestReport {
  runId: string;
  /** The snapshot horizon the run copied up to (a PostgreSQL transaction id): the next run starts there. */
  horizon: string;
  /** Which path ran (see IngestOptions.path). */
  path: 'pull' | 'copy';
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  tables: Record<string, { rows: number; batches: number; seconds: number }>;
  /** Tombstones copied more than keepTombstonesDays ago, deleted from ingest_deletions by this run. */
  tombstonesForgotten: number;
  /** Tables this run could not copy, with why (see IngestIncomplete); the others were copied. */
  failed?: Record<string, string>;
}

/**
 * Some tables could not be copied; every other one was, and its watermark moved. The report says what was copied;
 * the failed tables resume from their own watermarks on the next run, once their cause is put right.
 */
export class IngestIncomplete extends SpiritError {
  constructor(readonly report: IngestReport) {
    const failed = Object.entries(report.failed ?? {});
    super('ingest_incomplete', `${failed.length} of ${failed.length + Object.keys(report.tables).length} tables could not be copied (the others were): ${failed.map(([t, why]) => `${t}: ${why}`).join('; ')}`);
  }
}

/**
 * Rows per insert on the copy path. Each batch is held in this process and again while the embedded ClickHouse
 * parses it, and the peak follows the batch size: at a million bookings, 8,192 rows is the largest power of two
 * that keeps the ingest under 512 MB. It is slower than larger batches (more parts to merge); `--batch-rows`
 * trades the one against the other, and `npm run bench -- ingest` measures both.
 */
export const DEFAULT_BATCH_ROWS = 8_192;

/**
 * Tables copied at the same time: two when ClickHouse pulls. A ClickHouse server runs their inserts at once; the
 * embedded one runs one statement at a time per session, so there the second table's probes and bookkeeping overlap
 * the first one's insert (a chDB session per table, inserting at once, was faster on a small world, no faster at a
 * million bookings, where the merges already keep both cores busy, and passed the memory bound). One on the copy
 * path, where every table's batches pass through this process and two cores: one at a time was both faster and
 * smaller there.
 */
const PULL_CONCURRENCY = 2;
const COPY_CONCURRENCY = 1;

/**
 * Incremental, idempotent pull of the booking system into ClickHouse, in commit order. Each table resumes after
 * its watermark and stops at one snapshot horizon for the whole run (every transaction below it has ended), so
 * the tables of one run describe the same set of committed transactions and nothing still in flight is passed.
 */
export async function ingest(pool: pg.Pool, clickhouse: ClickHouseClient, opts: IngestOptions): Promise<IngestReport> {
  const tables = selectTables(opts.tables);
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS;
  if (!Number.isInteger(batchRows) || batchRows < 1) throw new InputError(`batchRows must be a positive whole number, got ${batchRows}`, 'batchRows');
  const keepTombstonesDays = opts.keepTombstonesDays ?? 7;
  if (!Number.isInteger(keepTombstonesDays) || keepTombstonesDays < 0) throw new InputError(`keepTombstonesDays must be a whole number of days ≥ 0, got ${keepTombstonesDays}`, 'keepTombstonesDays');
  const runId = opts.runId ?? crypto.randomUUID();
  // An erasure waits for this run before it rewrites the warehouse: the run may insert a customer's values that it
  // read before their erasure committed (platform/copies-under-way.ts).
  const erasures = await holdErasuresBack(pool, opts.log);
  try {
    const started = performance.now();
    const sourceCluster = await clusterIdentity(pool);
    const horizon = await snapshotHorizon(pool);
    const foreign = await sourceMismatches(clickhouse, tables.map((t) => t.name), await readWatermarks(clickhouse), sourceCluster, horizon);
    if (foreign.length > 0 && !opts.full) throw new SourceChanged(foreign);
    if (foreign.length > 0) {
      opts.log.warn('rebuilding copies another PostgreSQL filled', { tables: foreign.map((f) => f.table), why: foreign.map((f) => f.why) });
      await emptyCopies(clickhouse, foreign.map((f) => f.table));
    }
    if (opts.full) await resetWatermarks(clickhouse, tables.map((t) => t.name), sourceCluster);
    const watermarks = await readWatermarks(clickhouse);
    const path = await choosePath(pool, clickhouse, opts);
    const concurrency = Math.max(1, opts.concurrency ?? (path.source ? PULL_CONCURRENCY : COPY_CONCURRENCY));
    const pending = await pendingRows(pool, tables, watermarks, horizon);
    const withTombstones = await tablesWithTombstones(pool, horizon);
    const estimates = [...pending.values()];
    const total = estimates.some((n) => n === undefined) ? undefined : (estimates as number[]).reduce((a, b) => a + b, 0);
    const progress = startProgress('ingest', total || undefined, opts.log);
    const report: IngestReport['tables'] = {};
    const failed: Record<string, string> = {};

    // Largest first, so the long tables start at once and the small ones fill the gaps.
    const queue = [...tables].sort((a, b) => weight(b) - weight(a));
    // One table that cannot be copied (a value ClickHouse cannot store) must not hold back the others: each table
    // has its own watermark, so the rest are copied and the failed one resumes where it stopped.
    const worker = async () => {
      for (let table = queue.shift(); table; table = queue.shift()) {
        try {
          await copyOne(table);
        } catch (err) {
          failed[table.name] = (await firstUnstorableValue(pool, table).catch(() => undefined)) ?? firstLine(err);
          opts.log.error('table not copied', { table: table.name, error: failed[table.name] });
        }
      }
    };
    const copyOne = async (table: IngestTable) => {
      const tableStarted = performance.now();
      const common = { pool, clickhouse, table, from: watermarks.get(table.name), horizon, batchRows, runId, sourceCluster, onRows: (n: number) => progress.add(n) };
      const result: CopyTableResult = path.source
        ? await pullTable({ ...common, source: path.source, hasTombstones: withTombstones.has(table.name) })
        : await copyTable({
            ...common,
            afterBatch: async (batch) => {
              opts.log.debug('batch inserted', { table: table.name, batch });
              await opts.afterBatch?.(table.name, batch);
            },
          });
      report[table.name] = { rows: result.rows, batches: result.batches, seconds: round((performance.now() - tableStarted) / 1000) };
      opts.log.info('table copied', { table: table.name, ...report[table.name], expected: pending.get(table.name) });
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tables.length) }, worker));
    const done = progress.done();
    const copied = tables.map((t) => t.name).filter((name) => !(name in failed));
    const tombstonesForgotten = await forgetCopiedTombstones(pool, copied, horizon, keepTombstonesDays);
    const seconds = (performance.now() - started) / 1000;
    const rows = Object.values(report).reduce((sum, t) => sum + t.rows, 0);
    opts.log.info('ingest finished', { runId, path: path.name, rows, seconds: round(seconds), rowsPerSecond: Math.round(done.perSecond), tombstonesForgotten });
    const result: IngestReport = { runId, horizon, path: path.name, seconds: round(seconds), rows, rowsPerSecond: Math.round(rows / Math.max(seconds, 1e-9)), tables: report, tombstonesForgotten };
    if (Object.keys(failed).length > 0) throw new IngestIncomplete({ ...result, failed });
    return result;
  } finally {
    await erasures.release();
  }
}

/** An error's first line: database errors may go on with a stack or the statement. */
function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0].trim();
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

async function choosePath(pool: pg.Pool, clickhouse: ClickHouseClient, opts: IngestOptions): Promise<{ name: 'pull' | 'copy'; source?: PostgresSource }> {
  const wanted = opts.path ?? 'auto';
  if (wanted !== 'auto' && wanted !== 'pull' && wanted !== 'copy') throw new InputError(`path must be auto, pull or copy, got "${String(wanted)}"`, 'path');
  if (wanted === 'copy') return { name: 'copy' };
  const source = sourceOf(pool);
  const why = await pullUnavailable(pool, clickhouse, source);
  if (why === undefined) return { name: 'pull', source };
  if (wanted === 'pull') throw new SpiritError('ingest_pull_unavailable', `cannot pull from PostgreSQL: ${why}`);
  opts.log.info('ingest copies through this process', { reason: why });
  return { name: 'copy' };
}

/**
 * The oldest transaction id still running in this database (or the next one to be assigned, when none is): every
 * transaction below it has committed or aborted, and any transaction that writes later gets a larger id.
 * pg_snapshot_xmin alone would be the same for the whole server: a transaction left open in another database,
 * which cannot write these tables, would hold the ingest back. Running transactions are left out only when
 * they are seen to belong to another database; one that cannot be placed (another role's session, which
 * pg_stat_activity may hide) counts.
 */
async function snapshotHorizon(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ horizon: string }>(
    `WITH snapshot AS (SELECT pg_current_snapshot() AS snap),
          elsewhere AS (
            SELECT backend_xid AS xid FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND datname IS DISTINCT FROM current_database()
            UNION ALL
            SELECT transaction FROM pg_prepared_xacts WHERE database <> current_database())
     SELECT least(pg_snapshot_xmax(snap), (SELECT min(x) FROM pg_snapshot_xip(snap) AS x WHERE xid(x) NOT IN (SELECT xid FROM elsewhere)))::text AS horizon
       FROM snapshot`,
  );
  return rows[0].horizon;
}

/** Tables with a tombstone below the horizon (the pull path opens no COPY for the others). */
async function tablesWithTombstones(pool: pg.Pool, horizon: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ table_name: string }>(`SELECT DISTINCT table_name FROM ingest_deletions WHERE change_xid < $1::text::bigint`, [horizon]);
  return new Set(rows.map((r) => r.table_name));
}

/**
 * Rows to copy per table, for progress: counted through the change index for tables that resume, estimated
 * from the statistics for tables copied from the start (undefined when PostgreSQL has no estimate yet).
 */
async function pendingRows(pool: pg.Pool, tables: IngestTable[], watermarks: Map<string, Watermark>, horizon: string): Promise<Map<string, number | undefined>> {
  const pending = new Map<string, number | undefined>();
  for (const table of tables) {
    const from = watermarks.get(table.name);
    const resumes = from !== undefined && from.key.length === table.key.length;
    const { rows } = resumes
      ? await pool.query<{ n: string }>(`SELECT count(*) AS n FROM (${changesQuery(table, from, horizon, false)}) AS pending`)
      : await pool.query<{ n: string }>(`SELECT greatest(reltuples, 0)::bigint AS n FROM pg_class WHERE oid = $1::regclass AND reltuples >= 0`, [table.name]);
    pending.set(table.name, rows.length > 0 ? Number(rows[0].n) : undefined);
  }
  return pending;
}

function round(x: number): number {
  return Number(x.toFixed(2));
}
