/**
 * Import throughput: a generated CSV export of bookings (200,000 rows at full scale, 2% bad rows of every kind)
 * through `importBookings` into an embedded PostgreSQL, timed end to end (hashing, parsing, checks, customer and
 * destination matching, INSERTs, rejects, commit), with the process's peak RSS. Memory flatness: the same
 * import at a quarter of the rows. Two references from the same run: parsing and checking alone (no database),
 * and PostgreSQL's own COPY … CSV of the same file into a table of text columns (no checks at all), which is
 * the ceiling for anything that goes through the server.
 *
 * Runs in the bench harness's shape (`title`, `run(ctx)`); by itself: `node --import tsx domain/import/import.bench.ts [small|full]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/log.ts';
import { openPostgres, type PostgresHandle } from '../../platform/postgres.ts';
import { migrate } from '../migrate.ts';
import { CsvParser } from './csv-parser.ts';
import { bindMapping } from './booking-row.ts';
import { importBookings } from './import-bookings.ts';
import { readMappingFile } from './mapping.ts';
import { SYNTHETIC_DESTINATIONS, writeSyntheticBookingsCsv } from './synthetic-bookings-csv.ts';

export const title = 'Import of bookings from CSV: rows/s end to end and peak memory';

interface BenchContext {
  scale: 'small' | 'full';
  log: (msg: string) => void;
}

const MAPPING = readMappingFile(new URL('./fixtures/mapping.json', import.meta.url).pathname);

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20);
    },
  };
}

/** Parse and check every row without a database: the JavaScript side's own speed. */
async function parseOnly(file: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const parser = new CsvParser({ delimiter: MAPPING.delimiter });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bound: ReturnType<typeof bindMapping> | undefined;
  let rows = 0;
  const take = (fields: string[]) => {
    if (!bound) bound = bindMapping(MAPPING, fields);
    else {
      bound.convert(fields);
      rows += 1;
    }
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (const record of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) take(record.fields);
  }
  for (const record of parser.end()) take(record.fields);
  return { rows, seconds: (performance.now() - started) / 1000 };
}

/** PostgreSQL's COPY … CSV of a file of the same shape into text columns: no checks, the server's ceiling. */
async function copyCeiling(pg: PostgresHandle, file: string): Promise<number> {
  const client = await pg.pool.connect();
  try {
    await client.query(`CREATE UNLOGGED TABLE bench_raw_csv (${Array.from({ length: 12 }, (_, i) => `c${i} text`).join(', ')})`);
    const started = performance.now();
    await pipeline(fs.createReadStream(file), client.query(copyFrom('COPY bench_raw_csv FROM STDIN (FORMAT csv, HEADER true)')));
    const rows = Number((await client.query('SELECT count(*) AS n FROM bench_raw_csv')).rows[0].n);
    return Math.round(rows / ((performance.now() - started) / 1000));
  } finally {
    client.release();
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rows = ctx.scale === 'full' ? 200_000 : 20_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spirit-import-bench-'));
  // As root, embedded PostgreSQL runs as `postgres` and must be able to enter the directory.
  fs.chmodSync(dir, 0o777);
  const log = createLogger('warn');
  const pg = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: dir, EMBEDDED_PG_PORT: String(56000 + (process.pid % 4000)) }), log);
  try {
    await migrate(pg.pool, log);
    await pg.pool.query(
      `INSERT INTO destinations (code, name, country, region) SELECT lower(replace(n, ' ', '-')), n, 'PE', 'Bench' FROM unnest($1::text[]) AS n`,
      [SYNTHETIC_DESTINATIONS],
    );
    const figures: Record<string, unknown> = { rows };
    const quarter = path.join(dir, 'quarter.csv');
    const full = path.join(dir, 'bookings.csv');
    await writeSyntheticBookingsCsv(quarter, rows / 4, 11);
    const written = await writeSyntheticBookingsCsv(full, rows, 7);
    figures.fileMiB = Number((written.bytes / 2 ** 20).toFixed(1));
    figures.badRows = written.badRows;

    const parsed = await parseOnly(full);
    figures.parseAndCheckRowsPerSecond = Math.round(parsed.rows / parsed.seconds);
    ctx.log(`parse and check only: ${figures.parseAndCheckRowsPerSecond} rows/s`);

    global.gc?.();
    const quarterRss = rssSampler();
    const small = await importBookings(pg.pool, { file: quarter, mapping: MAPPING, log });
    figures.quarterRows = small.read;
    figures.quarterPeakRssMiB = quarterRss.stop();
    figures.quarterRowsPerSecond = small.rowsPerSecond;

    global.gc?.();
    const fullRss = rssSampler();
    const started = performance.now();
    const summary = await importBookings(pg.pool, { file: full, mapping: MAPPING, log });
    const seconds = (performance.now() - started) / 1000;
    figures.peakRssMiB = fullRss.stop();
    figures.seconds = Number(seconds.toFixed(2));
    figures.rowsPerSecond = Math.round(summary.read / seconds);
    figures.loaded = summary.loaded;
    figures.rejected = summary.rejected;
    figures.createdCustomers = summary.createdCustomers + small.createdCustomers;
    ctx.log(`import: ${figures.rowsPerSecond} rows/s, peak RSS ${figures.peakRssMiB} MiB`);

    // Bad rows with too few columns would stop COPY: the ceiling is measured on a file without bad rows.
    const clean = path.join(dir, 'clean.csv');
    await writeSyntheticBookingsCsv(clean, rows, 7, 0);
    figures.copyCsvCeilingRowsPerSecond = await copyCeiling(pg, clean);
    return figures;
  } finally {
    await pg.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const scale = process.argv[2] === 'small' ? 'small' : 'full';
  const figures = await run({ scale, log: (m) => console.error(`[bench] ${m}`) });
  console.log(JSON.stringify({ machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version }, figures }, null, 2));
  process.exit(0);
}
