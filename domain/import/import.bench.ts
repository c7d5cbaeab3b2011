/**
 * Import throughput: a generated CSV export of bookings (200,000 rows at full scale, 2% bad rows of every kind)
 * through `importBookings` into an embedded PostgreSQL, timed end to end (hashing, parsing, checks, customer and
 * destination matching, INSERTs, rejects, commit). Each measurement runs in a process of its own so that its
 * peak RSS is its own; memory flatness is the same import at a quarter of the rows. Two references from the
 * same run: parsing and checking alone (no database), and PostgreSQL's own COPY … CSV of a file of the same
 * shape into a table of text columns (no checks, no indexes), the ceiling for anything that goes through the
 * server. Node's CPU seconds are reported next to wall time: on a shared machine they are the steadier figure.
 *
 * Runs in the bench harness's shape (`title`, `run(ctx)`); by itself: `node --import tsx domain/import/import.bench.ts [small|full]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
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

const MAPPING_FILE = fileURLToPath(new URL('./fixtures/mapping.json', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface ChildFigures {
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
  loaded?: number;
  rejected?: number;
}

/** Parse and check every row without a database: the JavaScript side's own speed. */
async function parseOnly(file: string): Promise<number> {
  const mapping = readMappingFile(MAPPING_FILE);
  const parser = new CsvParser({ delimiter: mapping.delimiter });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bound: ReturnType<typeof bindMapping> | undefined;
  let rows = 0;
  const take = (fields: string[]) => {
    if (!bound) bound = bindMapping(mapping, fields);
    else {
      bound.convert(fields);
      rows += 1;
    }
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (const record of parser.push(decoder.decode(chunk as Buffer, { stream: true }))) take(record.fields);
  }
  for (const record of parser.end()) take(record.fields);
  return rows;
}

/** One measurement in this process (the child side): prints its figures as JSON. */
async function child(kind: string, file: string, databaseUrl: string): Promise<void> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const figures: Partial<ChildFigures> = {};
  if (kind === 'parse') figures.rows = await parseOnly(file);
  else {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, options: '-c TimeZone=UTC' });
    const summary = await importBookings(pool, { file, mapping: readMappingFile(MAPPING_FILE), log: createLogger('warn') });
    await pool.end();
    Object.assign(figures, { rows: summary.read, loaded: summary.loaded, rejected: summary.rejected });
  }
  const used = process.cpuUsage(cpu);
  figures.seconds = Number(((performance.now() - started) / 1000).toFixed(2));
  figures.cpuSeconds = Number(((used.user + used.system) / 1e6).toFixed(2));
  figures.peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(JSON.stringify(figures) + '\n');
}

function measure(kind: 'parse' | 'import', file: string, databaseUrl: string): ChildFigures {
  const run = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', kind, file, databaseUrl], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`${kind} of ${path.basename(file)} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ChildFigures;
}

/** PostgreSQL's COPY … CSV into text columns: no checks, the server's ceiling. */
async function copyCeiling(handle: PostgresHandle, file: string): Promise<number> {
  const client = await handle.pool.connect();
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

const rate = (f: ChildFigures) => Math.round(f.rows / f.seconds);

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const rows = ctx.scale === 'full' ? 200_000 : 20_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spirit-import-bench-'));
  // As root, embedded PostgreSQL runs as `postgres` and must be able to enter the directory.
  fs.chmodSync(dir, 0o777);
  const log = createLogger('warn');
  const handle = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: dir, EMBEDDED_PG_PORT: String(56000 + (process.pid % 4000)) }), log);
  try {
    await migrate(handle.pool, log);
    await handle.pool.query(
      `INSERT INTO destinations (code, name, country, region) SELECT lower(replace(n, ' ', '-')), n, 'PE', 'Bench' FROM unnest($1::text[]) AS n`,
      [SYNTHETIC_DESTINATIONS],
    );
    const figures: Record<string, unknown> = { rows, loadAverageBefore: os.loadavg()[0].toFixed(1) };
    const quarterFile = path.join(dir, 'quarter.csv');
    const fullFile = path.join(dir, 'bookings.csv');
    const cleanFile = path.join(dir, 'clean.csv');
    await writeSyntheticBookingsCsv(quarterFile, rows / 4, 11);
    const written = await writeSyntheticBookingsCsv(fullFile, rows, 7);
    // Bad rows with too few columns would stop COPY: the ceiling is measured on a file without bad rows.
    await writeSyntheticBookingsCsv(cleanFile, rows, 7, 0);
    figures.fileMiB = Number((written.bytes / 2 ** 20).toFixed(1));
    figures.badRows = written.badRows;

    const parsed = measure('parse', fullFile, handle.url);
    figures.parseAndCheckRowsPerSecond = rate(parsed);
    figures.parseAndCheckCpuSeconds = parsed.cpuSeconds;
    ctx.log(`parse and check only: ${figures.parseAndCheckRowsPerSecond} rows/s`);

    const quarter = measure('import', quarterFile, handle.url);
    Object.assign(figures, { quarterRows: quarter.rows, quarterRowsPerSecond: rate(quarter), quarterPeakRssMiB: quarter.peakRssMiB });

    const full = measure('import', fullFile, handle.url);
    Object.assign(figures, {
      seconds: full.seconds,
      rowsPerSecond: rate(full),
      nodeCpuSeconds: full.cpuSeconds,
      peakRssMiB: full.peakRssMiB,
      loaded: full.loaded,
      rejected: full.rejected,
    });
    ctx.log(`import: ${figures.rowsPerSecond} rows/s, peak RSS ${figures.peakRssMiB} MiB`);

    figures.copyCsvCeilingRowsPerSecond = await copyCeiling(handle, cleanFile);
    figures.loadAverageAfter = os.loadavg()[0].toFixed(1);
    return figures;
  } finally {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') {
    await child(process.argv[3], process.argv[4], process.argv[5]);
  } else {
    const scale = process.argv[2] === 'small' ? 'small' : 'full';
    const figures = await run({ scale, log: (m) => console.error(`[bench] ${m}`) });
    console.log(JSON.stringify({ machine: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version }, figures }, null, 2));
  }
  process.exit(0);
}
