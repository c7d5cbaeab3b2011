/**
 * `npm run bench -- ingest`: the booking system into ClickHouse, ours against ClickHouse's own PostgreSQL reader,
 * side by side on the same world in one run (issue #23).
 * - ours, pull path: ClickHouse reads PostgreSQL with postgresql(), change_xid range pushed down, tombstones and
 *   watermarks as in every run (what `spirit-ml ingest` does when ClickHouse can reach PostgreSQL);
 * - ours, copy path: COPY … TO STDOUT through Node in batches (what it does when ClickHouse cannot);
 * - plain: `CREATE TABLE … ENGINE = MergeTree ORDER BY tuple() AS SELECT * FROM postgresql(…)` per table, nothing
 *   else (no versions, no watermark, no deletes): the yardstick.
 * Each one runs in a process of its own with a fresh ClickHouse data directory, so peak RSS is its own. Plain and
 * pull run three times each, alternately, and are quoted by their median run: run to run, a run varies by more
 * than the difference between the two.
 * Worlds: the generator in an embedded PostgreSQL, 3 years, seed 3; `--scale small` 3,000 customers (a run under a
 * minute), `--scale full` 20,000 customers (about 2 million rows) and 150,000 (about a million bookings, 15 million
 * rows), issue #23's two worlds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from './run.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { openPostgres } from '../platform/postgres.ts';
import { migrate } from '../domain/migrate.ts';
import { generateWorld } from '../domain/generator/index.ts';

export const title = 'Ingest: ours (pull and copy paths) against ClickHouse’s own postgresql() reader, rows/s and peak RSS';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/ingest-child.ts');

interface ChildFigures {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMiB: number;
  partsAtEnd: number;
  mergedRowsTimesLevel: number;
}

function runChild(mode: 'pull' | 'copy' | 'plain', url: string): ChildFigures {
  const run = spawnSync(process.execPath, ['--no-memory-reducer', '--import', 'tsx', CHILD, mode, url], { encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  if (run.status !== 0) throw new Error(`${mode} ingest failed: ${run.stderr.slice(-1500)}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildFigures;
}

/** Rounds of plain and pull per world (an odd number, so each has a middle run). */
const ROUNDS = 3;

/** The run of middle duration, with the highest peak memory of all runs (memory is a bound, not a typical value). */
function median(runs: readonly ChildFigures[]): ChildFigures {
  const middle = [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
  return { ...middle, peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)) };
}

/** Worlds by scale: `full` is issue #23's two, the 20,000-customer world and one of about a million bookings. */
const WORLDS = { small: [3_000], full: [20_000, 150_000] } as const;

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const customers of WORLDS[ctx.scale]) out[`world${customers}`] = await measureWorld(ctx, customers);
  return out;
}

async function measureWorld(ctx: BenchContext, customers: number): Promise<Record<string, unknown>> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'spirit-bench-ingest-'));
  fs.chmodSync(dataDir, 0o777);
  const config = loadConfig({ SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: '54377', LOG_LEVEL: 'warn' });
  const log = createLogger('warn');
  const postgres = await openPostgres(config, log);
  try {
    await migrate(postgres.pool, log);
    ctx.log(`generating ${customers} customers over 3 years`);
    const world = await generateWorld(postgres.pool, { customers, years: 3, seed: 3, log });
    await postgres.pool.query('VACUUM ANALYZE');
    ctx.log(`world: ${JSON.stringify(world.counts)} in ${world.seconds.toFixed(1)} s`);

    // Plain and pull alternate over a few rounds, first one then the other, so that a machine that speeds up or
    // slows down during the run favours neither; each is quoted by its median run. Copy, far slower, runs once.
    const runs: Record<'plain' | 'pull', ChildFigures[]> = { plain: [], pull: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const mode of round % 2 === 0 ? (['plain', 'pull'] as const) : (['pull', 'plain'] as const)) {
        const figures = runChild(mode, postgres.url);
        runs[mode].push(figures);
        ctx.log(`${mode}, round ${round + 1} of ${ROUNDS}: ${JSON.stringify(figures)}`);
      }
    }
    const copy = runChild('copy', postgres.url);
    ctx.log(`copy: ${JSON.stringify(copy)}`);
    const plain = median(runs.plain);
    const pull = median(runs.pull);
    return {
      customers: world.counts.customers,
      bookings: world.counts.bookings,
      rows: plain.rows,
      plainPostgresql: { ...plain, secondsEveryRound: runs.plain.map((r) => r.seconds) },
      oursPull: { ...pull, secondsEveryRound: runs.pull.map((r) => r.seconds) },
      oursCopy: copy,
      sameRowCount: [...runs.plain, ...runs.pull, copy].every((r) => r.rows === plain.rows),
      pullSpeedVsPlain: Number((pull.rowsPerSecond / plain.rowsPerSecond).toFixed(2)),
      pullSpeedVsPlainEveryRound: runs.pull.map((r, k) => Number((r.rowsPerSecond / runs.plain[k].rowsPerSecond).toFixed(2))),
      copySpeedVsPlain: Number((copy.rowsPerSecond / plain.rowsPerSecond).toFixed(2)),
    };
  } finally {
    await postgres.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
