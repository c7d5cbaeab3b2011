/**
 * `npm run bench -- ingest`: the booking system into ClickHouse, end to end.
 * Goal: at least 200,000 bookings/s (with their quotations, versions, status history, payments and customers) on
 * two cores, memory flat in the number of rows. The world comes from the generator (1,000,000 bookings at full
 * scale) in an embedded PostgreSQL; ClickHouse is the embedded chDB of this process.
 * Flatness: the same ingest at a quarter of the rows (the bookings of the first years) and at all of them.
 * Baseline in the same run: the obvious JavaScript way — rows from a pg cursor, JSONEachRow into ClickHouse —
 * on the bookings table alone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { BenchContext } from './run.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { openPostgres } from '../platform/postgres.ts';
import { openClickHouse } from '../platform/clickhouse.ts';
import { migrate } from '../domain/migrate.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { ingest } from '../pipelines/ingest/ingest.ts';
import { generateWorld } from '../domain/generator/index.ts';

export const title = 'Ingest: booking system (PostgreSQL) into ClickHouse, bookings/s end to end and peak memory';

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
    },
  };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const customers = ctx.scale === 'small' ? 10_000 : 100_000;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spirit-bench-ingest-'));
  fs.chmodSync(dataDir, 0o777);
  const config = loadConfig({ SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: '54377', LOG_LEVEL: 'warn' });
  const log = createLogger('warn');
  const postgres = await openPostgres(config, log);
  const clickhouse = await openClickHouse(config, log);
  try {
    await migrate(postgres.pool, log);
    await migrateWarehouse(clickhouse.client, log);
    ctx.log(`generating ${customers} customers over 5 years`);
    const world = await generateWorld(postgres.pool, { customers, years: 5, seed: 2024, log });
    const bookings = world.counts.bookings;
    ctx.log(`world: ${JSON.stringify(world.counts)} in ${world.seconds.toFixed(1)} s`);
    await postgres.pool.query('VACUUM');

    // A quarter of the rows first: everything up to the quantile of updated_at that leaves 25% of the bookings.
    const { rows } = await postgres.pool.query<{ cut: string }>(
      `SELECT to_char(percentile_disc(0.25) WITHIN GROUP (ORDER BY updated_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS cut FROM bookings`,
    );
    const quarterDb = 'bench_quarter';
    await clickhouse.client.command({ query: `CREATE DATABASE IF NOT EXISTS ${quarterDb}` });
    await clickhouse.client.command({ query: `USE ${quarterDb}` });
    await migrateWarehouse(clickhouse.client, log);
    const quarterPool = new pg.Pool({ connectionString: postgres.url, options: '-c TimeZone=UTC', max: 6 });
    // The quarter world: every row last changed before the cut, copied into a schema of its own so the very same
    // ingest code reads it through search_path.
    await quarterPool.query('DROP SCHEMA IF EXISTS quarter CASCADE; CREATE SCHEMA quarter');
    for (const table of ['destinations', 'itineraries', 'itinerary_components', 'departures', 'customers', 'customer_group_profiles', 'quotations',
      'quotation_versions', 'bookings', 'booking_status_history', 'payments', 'ratings']) {
      await quarterPool.query(`CREATE TABLE quarter.${table} (LIKE public.${table} INCLUDING ALL)`);
      await quarterPool.query(`INSERT INTO quarter.${table} SELECT * FROM public.${table} WHERE updated_at <= $1::timestamptz`, [`${rows[0].cut}+00`]);
    }
    await quarterPool.query('ANALYZE');
    await quarterPool.end();
    const quarterSearch = new pg.Pool({ connectionString: postgres.url, options: '-c TimeZone=UTC -c search_path=quarter', max: 6 });
    const quarterBookings = Number((await quarterSearch.query<{ n: string }>('SELECT count(*) AS n FROM bookings')).rows[0].n);
    const quarterMem = rssSampler();
    const quarter = await ingest(quarterSearch, clickhouse.client, { log });
    const quarterPeakMiB = quarterMem.stop();
    await quarterSearch.end();
    ctx.log(`quarter: ${quarterBookings} bookings, ${quarter.rows} rows in ${quarter.seconds} s, peak RSS ${quarterPeakMiB} MiB`);

    await clickhouse.client.command({ query: `USE ${config.clickhouseDatabase}` });
    const before = Math.round(process.memoryUsage().rss / 2 ** 20);
    const fullMem = rssSampler();
    const full = await ingest(postgres.pool, clickhouse.client, { log });
    const fullPeakMiB = fullMem.stop();
    ctx.log(`full: ${bookings} bookings, ${full.rows} rows in ${full.seconds} s, peak RSS ${fullPeakMiB} MiB; ${JSON.stringify(full.tables)}`);

    // Baseline: bookings alone, row objects through a cursor and JSONEachRow (what most Node ETL code does).
    await clickhouse.client.command({ query: 'CREATE DATABASE IF NOT EXISTS bench_baseline' });
    await clickhouse.client.command({ query: 'USE bench_baseline' });
    await migrateWarehouse(clickhouse.client, log);
    const baselineStarted = performance.now();
    const client = await postgres.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('DECLARE c NO SCROLL CURSOR FOR SELECT * FROM bookings ORDER BY updated_at, id');
      for (;;) {
        // Dates as the text PostgreSQL sends: pg's default turns them into JS Dates at local midnight.
        const batch = await client.query({ text: 'FETCH 50000 FROM c', types: { getTypeParser: (oid: number, format?: string) => (oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) } });
        if (batch.rows.length === 0) break;
        await clickhouse.client.insert({
          table: 'bookings',
          values: batch.rows,
          format: 'JSONEachRow',
          clickhouse_settings: { date_time_input_format: 'best_effort' },
        });
      }
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const baselineSeconds = (performance.now() - baselineStarted) / 1000;
    const oursBookingsSeconds = full.tables.bookings.seconds;
    await clickhouse.client.command({ query: `USE ${config.clickhouseDatabase}` });

    const bookingsPerSecond = Math.round(bookings / full.seconds);
    return {
      customers: world.counts.customers,
      bookings,
      rowsAllTables: full.rows,
      generateSeconds: Number(world.seconds.toFixed(1)),
      ingestSeconds: full.seconds,
      bookingsPerSecondEndToEnd: bookingsPerSecond,
      rowsPerSecondAllTables: full.rowsPerSecond,
      goalAtLeast200kBookingsPerSecond: bookingsPerSecond >= 200_000,
      tableSeconds: Object.fromEntries(Object.entries(full.tables).map(([t, r]) => [t, r.seconds])),
      rssBeforeIngestMiB: before,
      peakRssFullMiB: fullPeakMiB,
      quarterBookings,
      quarterIngestSeconds: quarter.seconds,
      peakRssQuarterMiB: quarterPeakMiB,
      baselineCursorJsonBookingsSeconds: Number(baselineSeconds.toFixed(2)),
      oursBookingsTableSeconds: oursBookingsSeconds,
      speedupVsCursorJson: Number((baselineSeconds / oursBookingsSeconds).toFixed(1)),
    };
  } finally {
    await clickhouse.close().catch(() => undefined);
    await postgres.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
