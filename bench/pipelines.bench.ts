/**
 * `npm run bench -- pipelines`: the runners and the event stream.
 * 1. The nightly graph (ingest → features → trainings → evaluate) in process on a generated world: wall time per
 *    step. With workers in separate processes the graph needs a ClickHouse server (the embedded one belongs to one
 *    process); none runs on this machine, so the worker figures come from part 2.
 * 2. BullMQ over Redis with one and with two worker processes on a CPU-bound graph (four heavy steps and eight
 *    partitions, pipelines/runner/fixtures/cpu-graph.ts): wall time of a warm run (the second; the first pays for
 *    the sandboxed children starting), and the speed-up. Baseline: the same graph in process.
 * 3. Event latency, PostgreSQL commit → row in ClickHouse `events` (its received_at), at a steady rate: through
 *    Redis (relay and consumer processes) and without Redis (relay in process, straight into ClickHouse).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { BenchContext } from './run.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { openPostgres } from '../platform/postgres.ts';
import { migrate } from '../domain/migrate.ts';
import { recordEvent } from '../domain/outbox.ts';
import { generateWorld } from '../domain/generator/index.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { loadPipelineGraph } from '../pipelines/graph.ts';
import { runPipelineInProcess } from '../pipelines/runner/in-process-runner.ts';
import { openStepServices } from '../pipelines/runner/step-services.ts';
import { enqueueRun, waitForRun } from '../pipelines/runner/bullmq-runner.ts';
import { openPipelineQueues } from '../pipelines/runner/pipeline-workers.ts';
import { OutboxRelay } from '../pipelines/outbox/outbox-relay.ts';
import { clickHousePublisher } from '../pipelines/outbox/clickhouse-events.ts';
import { spawnCli, waitFor } from '../pipelines/runner/fixtures/cli-process.ts';
import { consumerCaughtUp, openRedis } from '../pipelines/outbox/redis-event-stream.ts';
import { tempDir } from '../test/support/services.ts';

export const title = 'Pipelines: nightly graph in process, BullMQ with 1 and 2 workers, outbox event latency (commit → ClickHouse)';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CPU_GRAPH = fileURLToPath(new URL('../pipelines/runner/fixtures/cpu-graph.ts', import.meta.url));
const log = createLogger('error');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Leaves the process's embedded ClickHouse open (one per process) for the in-process event figures. */
async function nightlyInProcess(ctx: BenchContext): Promise<{ figures: Record<string, unknown>; clickhouse: ClickHouseClient; close(): Promise<void> }> {
  const customers = ctx.scale === 'small' ? 1_000 : 10_000;
  const config = loadConfig({ SPIRIT_DATA_DIR: tempDir('bench-nightly'), EMBEDDED_PG_PORT: String(56000 + Math.floor(Math.random() * 2000)), LOG_LEVEL: 'error' });
  const services = await openStepServices(config, log, { migrate });
  {
    ctx.log(`nightly graph: generating ${customers} customers, 3 years`);
    await generateWorld(services.pg, { customers, years: 3, seed: 5, endDate: '2025-07-01', log });
    const graph = await loadPipelineGraph();
    const started = performance.now();
    const report = await runPipelineInProcess(graph, services, { params: { seed: 1 }, retry: { attempts: 1, delayMs: 0, jitter: 0 } });
    const seconds = (performance.now() - started) / 1000;
    const steps = Object.fromEntries(report.steps.map((s) => [s.step, Number(s.seconds.toFixed(1))]));
    return {
      figures: { nightlyCustomers: customers, nightlyStatus: report.status, nightlySeconds: Number(seconds.toFixed(1)), nightlyStepSeconds: steps },
      clickhouse: await services.clickhouse(),
      close: () => services.close(),
    };
  }
}

async function bullmqWorkers(ctx: BenchContext, pgUrl: string, pool: pg.Pool): Promise<Record<string, unknown>> {
  const iterations = ctx.scale === 'small' ? 30_000_000 : 120_000_000;
  const graph = await loadPipelineGraph(CPU_GRAPH);
  const config = loadConfig({ SPIRIT_DATA_DIR: tempDir('bench-cpu'), LOG_LEVEL: 'error' });
  const services = await openStepServices(config, log, { pg: pool });
  const figures: Record<string, unknown> = {};
  const inProcessStarted = performance.now();
  await runPipelineInProcess(graph, services, { params: { iterations } });
  figures.cpuGraphInProcessSeconds = Number(((performance.now() - inProcessStarted) / 1000).toFixed(2));
  for (const count of [1, 2]) {
    const prefix = `spirit-bench-${crypto.randomBytes(3).toString('hex')}`;
    process.env.BULLMQ_PREFIX = prefix;
    const env = { DATABASE_URL: pgUrl, REDIS_URL, BULLMQ_PREFIX: prefix, SPIRIT_DATA_DIR: tempDir('bench-worker'), LOG_LEVEL: 'info' };
    const workers = Array.from({ length: count }, () =>
      spawnCli(['worker', '--queues', 'runs,steps,heavy,partitions', '--graph', CPU_GRAPH, '--schedules', 'off'], env),
    );
    try {
      await Promise.all(workers.map((w) => w.ready));
      const walls: number[] = [];
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        const { runId } = await enqueueRun(graph, services.state, REDIS_URL, { params: { iterations } });
        const run = await waitForRun(services.state, runId, { pollMs: 50 });
        if (run.status !== 'succeeded') throw new Error(`cpu graph run ${run.status} with ${count} worker(s)`);
        walls.push((performance.now() - started) / 1000);
      }
      figures[`bullmq${count}WorkerColdSeconds`] = Number(walls[0].toFixed(2));
      figures[`bullmq${count}WorkerWarmSeconds`] = Number(walls[1].toFixed(2));
      ctx.log(`cpu graph on ${count} worker(s): cold ${walls[0].toFixed(1)} s, warm ${walls[1].toFixed(1)} s`);
    } finally {
      for (const w of workers) await w.kill('SIGTERM');
      const queues = openPipelineQueues(REDIS_URL, log);
      for (const q of Object.values(queues)) {
        await q.obliterate({ force: true });
        await q.close();
      }
    }
  }
  figures.bullmqSpeedupTwoWorkers = Number(((figures.bullmq1WorkerWarmSeconds as number) / (figures.bullmq2WorkerWarmSeconds as number)).toFixed(2));
  return figures;
}

/** Writes `count` single-event transactions at `perSecond`, returning each event's commit time (ms since epoch). */
async function writeEvents(pool: pg.Pool, count: number, perSecond: number): Promise<Map<string, number>> {
  const committed = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const { id } = await recordEvent(client, { aggregateType: 'booking', aggregateId: 1 + (i % 50), type: 'booking.confirmed', payload: { i } });
      await client.query('COMMIT');
      committed.set(id, Date.now());
    } finally {
      client.release();
    }
  }
  return committed;
}

function latencies(rows: Array<{ id: string; at: string | number }>, committed: Map<string, number>) {
  const ms = rows.filter((r) => committed.has(r.id)).map((r) => Number(r.at) - committed.get(r.id)!).sort((a, b) => a - b);
  if (ms.length !== committed.size) throw new Error(`${committed.size - ms.length} events missing in ClickHouse`);
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1)! };
}

const RECEIVED = 'SELECT toString(id) AS id, toUnixTimestamp64Milli(min(received_at)) AS at FROM events GROUP BY id';

async function eventLatency(ctx: BenchContext, pgUrl: string, pool: pg.Pool, clickhouse: ClickHouseClient): Promise<Record<string, unknown>> {
  const perSecond = 100;
  const count = ctx.scale === 'small' ? 500 : 3000;
  const figures: Record<string, unknown> = { eventsPerSecond: perSecond, events: count };

  // Through Redis: the relay and the consumer are worker processes, as deployed.
  const dir = tempDir('bench-events');
  const stream = `spirit-bench:events:${crypto.randomBytes(3).toString('hex')}`;
  const env = { DATABASE_URL: pgUrl, REDIS_URL, SPIRIT_DATA_DIR: dir, CLICKHOUSE_DATABASE: 'bench_events', OUTBOX_STREAM: stream, LOG_LEVEL: 'info' };
  const relay = spawnCli(['worker', '--queues', 'outbox-relay'], env);
  const consumer = spawnCli(['worker', '--queues', 'events'], env);
  let committed: Map<string, number>;
  try {
    await Promise.all([relay.ready, consumer.ready]);
    committed = await writeEvents(pool, count, perSecond);
    const writingEnded = performance.now();
    const redis = openRedis(REDIS_URL, log);
    try {
      await waitFor('every event published and consumed', async () => {
        if ((await pool.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1')).rowCount !== 0) return false;
        return consumerCaughtUp(redis, { key: stream, group: 'clickhouse' });
      }, 300_000, 100);
    } finally {
      redis.disconnect();
    }
    figures.redisDrainAfterWritesSeconds = Number(((performance.now() - writingEnded) / 1000).toFixed(2));
  } finally {
    await relay.kill('SIGTERM');
    await consumer.kill('SIGTERM');
  }
  // The consumer's embedded ClickHouse can be opened by one process at a time, and not twice by this one: read it
  // from a child, through a file (a CLI's stdout to a pipe may be cut when the process exits).
  const outFile = path.join(tempDir('bench-events-read'), 'received.json');
  const reader = [
    `import fs from 'node:fs';`,
    `import { loadConfig } from ${JSON.stringify(new URL('../platform/config.ts', import.meta.url).href)};`,
    `import { createLogger } from ${JSON.stringify(new URL('../platform/log.ts', import.meta.url).href)};`,
    `import { openClickHouse } from ${JSON.stringify(new URL('../platform/clickhouse.ts', import.meta.url).href)};`,
    `const ch = await openClickHouse(loadConfig({ SPIRIT_DATA_DIR: ${JSON.stringify(dir)}, CLICKHOUSE_DATABASE: 'bench_events' }), createLogger('error'));`,
    `const rows = await (await ch.client.query({ query: ${JSON.stringify(RECEIVED)}, format: 'JSONEachRow' })).json();`,
    `fs.writeFileSync(${JSON.stringify(outFile)}, JSON.stringify(rows));`,
    `await ch.close();`,
    `process.exit(0);`,
  ].join('\n');
  await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', reader], { cwd: fileURLToPath(new URL('..', import.meta.url)) });
  const viaRedis = latencies(JSON.parse(fs.readFileSync(outFile, 'utf8')) as Array<{ id: string; at: string }>, committed);
  Object.assign(figures, { redisLatencyP50Ms: viaRedis.p50, redisLatencyP99Ms: viaRedis.p99, redisLatencyMaxMs: viaRedis.max });

  // Without Redis: the relay in this process appends to this process's ClickHouse.
  await clickhouse.command({ query: 'CREATE DATABASE IF NOT EXISTS bench_events_local' });
  await clickhouse.command({ query: 'USE bench_events_local' });
  await migrateWarehouse(clickhouse, log);
  await pool.query('UPDATE outbox_events SET published_at = now() WHERE published_at IS NULL');
  const localRelay = new OutboxRelay(pool, clickHousePublisher(clickhouse), log, { minIntervalMs: 1000 });
  localRelay.start();
  try {
    const local = await writeEvents(pool, count, perSecond);
    await waitFor('every event published', async () => (await pool.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL LIMIT 1')).rowCount === 0, 300_000, 100);
    const rows = await (await clickhouse.query({ query: RECEIVED, format: 'JSONEachRow' })).json<{ id: string; at: string }>();
    const direct = latencies(rows, local);
    Object.assign(figures, { inProcessLatencyP50Ms: direct.p50, inProcessLatencyP99Ms: direct.p99, inProcessLatencyMaxMs: direct.max });
  } finally {
    await localRelay.stop();
  }
  return figures;
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const nightly = await nightlyInProcess(ctx);
  const figures: Record<string, unknown> = { ...nightly.figures };
  const config = loadConfig({ SPIRIT_DATA_DIR: tempDir('bench-pipelines-pg'), EMBEDDED_PG_PORT: String(58000 + Math.floor(Math.random() * 1000)), LOG_LEVEL: 'error' });
  const postgres = await openPostgres(config, log);
  try {
    await migrate(postgres.pool, log);
    Object.assign(figures, await bullmqWorkers(ctx, postgres.url, postgres.pool));
    Object.assign(figures, await eventLatency(ctx, postgres.url, postgres.pool, nightly.clickhouse));
  } finally {
    await postgres.close();
    await nightly.close();
  }
  return figures;
}
