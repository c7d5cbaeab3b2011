/**
 * One ingest of the bench (bench/ingest.bench.ts) in a process of its own, with a ClickHouse data directory of its
 * own, so its peak memory is its alone: `node --import tsx bench/support/ingest-child.ts <pull|copy|plain> <url>`.
 * Prints one JSON line: rows, seconds, peak RSS (MiB, from the kernel's count for this process), and the parts
 * and Σ rows × merge level in ClickHouse when the load returns (how much the merges had rewritten by then).
 * `plain` is ClickHouse's own reader with nothing of ours: CREATE TABLE … AS SELECT * FROM postgresql(…) per table.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/log.ts';
import { openClickHouse } from '../../platform/clickhouse.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { INGEST_TABLES } from '../../pipelines/ingest/ingest-tables.ts';
import { sourceOf } from '../../pipelines/ingest/pull-table.ts';

const [mode, url] = process.argv.slice(2);
if (!['pull', 'copy', 'plain'].includes(mode) || !url) {
  console.error('usage: ingest-child.ts <pull|copy|plain> <postgres url>');
  process.exit(2);
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `spirit-bench-ingest-${mode}-`));
const log = createLogger('warn');
const pool = new pg.Pool({ connectionString: url, options: '-c TimeZone=UTC', max: 6 });
const clickhouse = await openClickHouse(loadConfig({ SPIRIT_DATA_DIR: dataDir, LOG_LEVEL: 'warn' }), log);
try {
  let rows = 0;
  let seconds = 0;
  if (mode === 'plain') {
    const source = sourceOf(pool)!;
    const quote = (s: string) => `'${s.replace(/[\\']/g, (c) => '\\' + c)}'`;
    await clickhouse.client.command({ query: 'CREATE DATABASE IF NOT EXISTS plain' });
    const started = performance.now();
    for (const table of INGEST_TABLES) {
      await clickhouse.client.command({
        query: `CREATE TABLE plain.${table.name} ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM postgresql(${[source.address, source.database, table.name, source.user, source.password].map(quote).join(', ')})`,
      });
    }
    seconds = (performance.now() - started) / 1000;
    for (const table of INGEST_TABLES) {
      const result = await clickhouse.client.query({ query: `SELECT count() AS n FROM plain.${table.name}`, format: 'JSONEachRow' });
      rows += Number((await result.json<{ n: string }>())[0].n);
    }
  } else {
    await migrateWarehouse(clickhouse.client, log);
    const report = await ingest(pool, clickhouse.client, { log, path: mode as 'pull' | 'copy' });
    if (report.path !== mode) throw new Error(`asked for the ${mode} path, ran ${report.path}`);
    rows = report.rows;
    seconds = report.seconds;
  }
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  // The merges' share of the work so far: a part's level counts the merges that rewrote its rows.
  const merged = await clickhouse.client.query({
    query: `SELECT count() AS parts, sum(rows * level) AS rows_times_level FROM system.parts WHERE active AND database = {database:String}`,
    query_params: { database: mode === 'plain' ? 'plain' : clickhouse.database },
    format: 'JSONEachRow',
  });
  const [{ parts, rows_times_level }] = await merged.json<{ parts: string; rows_times_level: string }>();
  const figures = { rows, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows / seconds), peakRssMiB, partsAtEnd: Number(parts), mergedRowsTimesLevel: Number(rows_times_level) };
  process.stdout.write(JSON.stringify(figures) + '\n');
} finally {
  await clickhouse.close().catch(() => undefined);
  await pool.end();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
