import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { quoteIdentifier } from '../../platform/clickhouse.ts';
import { jsonArraySource, type IngestTable } from './ingest-tables.ts';
import { copyTable, MAX_KEY, MIN_KEY, type CopyTableResult } from './copy-table.ts';
import { saveWatermark, type Watermark } from './watermark.ts';

/**
 * The pull path: ClickHouse reads PostgreSQL itself with its postgresql() table function, one
 * `INSERT … SELECT … FROM postgresql(…) WHERE change_xid >= from AND change_xid < horizon` per table that changed. The
 * condition on change_xid is pushed down to PostgreSQL (a plain comparison of a bigint column with a number), so
 * an incremental run reads only the rows that changed, through the change index. No row passes through Node.
 * Tombstones, few and stored as JSON, still come through the COPY path (copyTable with deletionsOnly).
 *
 * A table's watermark moves once, after its rows and tombstones are in: a run killed half-way reads the table's
 * range again, and the repeated rows collapse (same version), as on the COPY path.
 */
export interface PostgresSource {
  /** host:port as ClickHouse will dial it. */
  address: string;
  database: string;
  user: string;
  password: string;
}

/** Where ClickHouse could find the pool's PostgreSQL, or undefined when the pool has no TCP URL to give it. */
export function sourceOf(pool: pg.Pool): PostgresSource | undefined {
  const url = pool.options.connectionString;
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!parsed.hostname || !database) return undefined;
  return {
    address: `${parsed.hostname}:${parsed.port || '5432'}`,
    database,
    user: decodeURIComponent(parsed.username) || 'postgres',
    password: decodeURIComponent(parsed.password),
  };
}

/** A ClickHouse string literal. */
function literal(text: string): string {
  return `'${text.replace(/[\\']/g, (c) => '\\' + c)}'`;
}

/**
 * The table as postgresql() reads it: in the schema where the pool finds it (the pool may have its own
 * search_path; postgresql() alone would look in public).
 */
async function remote(pool: pg.Pool, source: PostgresSource, table: string): Promise<string> {
  const { rows } = await pool.query<{ schema: string }>(`SELECT relnamespace::regnamespace::text AS schema FROM pg_class WHERE oid = $1::regclass`, [table]);
  const schema = rows[0].schema.replace(/^"(.*)"$/, '$1').replace(/""/g, '"');
  return `postgresql(${[source.address, source.database, table, source.user, source.password, schema].map(literal).join(', ')})`;
}

/** ClickHouse's errors may quote the statement, which holds the password: never let it out. */
function redacted(err: unknown, source: PostgresSource): Error {
  const message = (err as Error).message ?? String(err);
  return new Error(source.password ? message.split(source.password).join('***') : message);
}

/**
 * Whether ClickHouse reads this PostgreSQL, and reads it right: the first migration's timestamp, read by ClickHouse
 * through postgresql() and by the pool directly, must agree to the microsecond (a server whose sessions default to
 * another time zone, or another server at the same address, fails here). Returns why not, or undefined.
 */
export async function pullUnavailable(pool: pg.Pool, clickhouse: ClickHouseClient, source: PostgresSource | undefined): Promise<string | undefined> {
  if (!source) return 'the PostgreSQL connection has no host and database that ClickHouse could dial';
  const { rows } = await pool.query<{ version: string; at: string }>(
    `SELECT version, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS at FROM schema_migrations ORDER BY version LIMIT 1`,
  );
  if (rows.length === 0) return 'the booking system has no migrations to compare';
  try {
    const result = await clickhouse.query({
      query: `SELECT toString(toDateTime64(applied_at, 6, 'UTC')) AS at FROM ${await remote(pool, source, 'schema_migrations')} WHERE version = {version:String}`,
      query_params: { version: rows[0].version },
      format: 'JSONEachRow',
    });
    const seen = await result.json<{ at: string }>();
    if (seen.length !== 1 || seen[0].at !== rows[0].at) return 'ClickHouse reads different timestamps from PostgreSQL than the ingest does';
    return undefined;
  } catch (err) {
    return `ClickHouse cannot read PostgreSQL: ${redacted(err, source).message.split('\n')[0].slice(0, 300)}`;
  }
}

/** The ClickHouse expression for a column, over the PostgreSQL row as postgresql() presents it. */
function pulledExpression([name, expr]: [string, string]): string {
  // Arrays arrive as ClickHouse arrays; the table wants the JSON text that its DEFAULT columns parse.
  const array = jsonArraySource(expr);
  if (array) return `toJSONString(${quoteIdentifier(array)})`;
  // Every other expression only adapts the column's text for COPY (time zone, enum or boolean as text):
  // ClickHouse converts the typed value itself.
  return quoteIdentifier(name);
}

/**
 * ClickHouse squashes what it reads into blocks of up to a million rows before writing a part; a block of a wide
 * table is then hundreds of megabytes. Parts of 131,072 rows keep the ingest's memory flat in the size of the
 * table. postgresql() reads blocks of max_block_size rows (65,409 by default) and the insert gathers whole reads
 * until it holds at least min_insert_block_size_rows: reads of 65,536 make the parts exactly 131,072 rows, where
 * the default reads made them three reads long and larger in memory. Every part written is rewritten by the
 * background merges, so smaller parts cost more merging; the tables' compact part format (migration 070) keeps
 * the merges cheap in memory, and their wide merge steps (071) keep them few.
 */
const BOUNDED_BLOCKS = { max_block_size: '65536', max_insert_block_size: '131072', min_insert_block_size_rows: '131072' };

/**
 * A range of change_xid holds each key once (one row per key in PostgreSQL), so collapsing versions inside each
 * inserted block, as ReplacingMergeTree does by default, only costs time; FINAL and the merges still collapse the
 * versions of different runs.
 */
const NO_COLLAPSE_ON_INSERT = { optimize_on_insert: 0 } as const;

export interface PullTableOptions {
  pool: pg.Pool;
  clickhouse: ClickHouseClient;
  source: PostgresSource;
  table: IngestTable;
  from: Watermark | undefined;
  horizon: string;
  batchRows: number;
  runId: string;
  /** The PostgreSQL cluster read (clusterIdentity), recorded with the watermark. */
  sourceCluster: string;
  onRows?: (rows: number) => void;
  /** Whether ingest_deletions may hold tombstones of this table in the range; when not, no COPY is opened for them. */
  hasTombstones: boolean;
}

export async function pullTable(opts: PullTableOptions): Promise<CopyTableResult> {
  const { table, from, horizon } = opts;
  const resumes = from !== undefined && from.key.length === table.key.length;
  // A finished run's watermark (key at its maximum) covers its whole transaction; a batch's covers part of one.
  const lowest = !resumes ? undefined : from.key.every((k) => k === MAX_KEY) ? (BigInt(from.changeXid) + 1n).toString() : from.changeXid;
  const range = `change_xid < ${BigInt(horizon)}${lowest === undefined ? '' : ` AND change_xid >= ${BigInt(lowest)}`}`;
  const inserts = (await changed(opts.pool, table, range)) ? 1 : 0;
  const rows = inserts ? await pullRange(opts, range) : 0;
  // The tombstones, and the watermark once everything below the horizon is in.
  const start = resumes ? { ...from, rowsTotal: from.rowsTotal + rows } : { changeXid: '0', key: table.key.map(() => MIN_KEY), rowsTotal: rows };
  if (!opts.hasTombstones) {
    const watermark = { changeXid: (BigInt(horizon) - 1n).toString(), key: table.key.map(() => MAX_KEY), rowsTotal: start.rowsTotal };
    await saveWatermark(opts.clickhouse, table.name, watermark, opts.runId, opts.sourceCluster);
    return { rows, batches: inserts, watermark };
  }
  const deletions = await copyTable({
    pool: opts.pool,
    clickhouse: opts.clickhouse,
    table,
    from: start,
    horizon,
    batchRows: opts.batchRows,
    runId: opts.runId,
    sourceCluster: opts.sourceCluster,
    deletionsOnly: true,
    onRows: opts.onRows,
  });
  return { rows: rows + deletions.rows, batches: inserts + deletions.batches, watermark: deletions.watermark };
}

/**
 * Whether PostgreSQL holds a row in the range: one probe of the change index. A table that did not change since the
 * last run (most of them, in an incremental run) costs no statement in ClickHouse but its watermark.
 */
async function changed(pool: pg.Pool, table: IngestTable, range: string): Promise<boolean> {
  const { rows } = await pool.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${table.name} WHERE ${range}) AS any`);
  return rows[0].any;
}

/** Has ClickHouse insert the table's rows in the range; returns how many it read. */
async function pullRange(opts: PullTableOptions, range: string): Promise<number> {
  const { table } = opts;
  const columns = table.columns.map(([name]) => quoteIdentifier(name));
  const reader = await remote(opts.pool, opts.source, table.name);
  const inserted = quoteIdentifier(table.name);
  const landed = async () => {
    const result = await opts.clickhouse.query({ query: `SELECT count() AS n FROM ${inserted} WHERE ${range}`, format: 'JSONEachRow' });
    return Number((await result.json<{ n: string }>())[0].n);
  };
  // The rows read are counted in ClickHouse, after the insert, when the range held nothing before it: a range holds
  // each key once, so nothing of it collapses. Only a range that a killed run left half-filled is counted in
  // PostgreSQL, whose scan of the table would otherwise double the load this pull puts on the booking system.
  const emptyBefore = (await landed()) === 0;
  try {
    await opts.clickhouse.command({
      query: `INSERT INTO ${inserted} (${columns.join(', ')}, is_deleted)
              SELECT ${table.columns.map(pulledExpression).join(', ')}, 0 FROM ${reader} WHERE ${range}`,
      clickhouse_settings: { output_format_json_escape_forward_slashes: 0, ...BOUNDED_BLOCKS, ...NO_COLLAPSE_ON_INSERT },
    });
  } catch (err) {
    throw redacted(err, opts.source);
  }
  const rows = emptyBefore ? await landed() : Number((await opts.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.name} WHERE ${range}`)).rows[0].n);
  opts.onRows?.(rows);
  return rows;
}
