/**
 * The server side of bench/serving.bench.ts, run as its own process so that the load generator (in the bench's
 * process) and the API do not share an event loop. `--mode bare` serves two bare fastify routes (the baseline: what
 * the machine gives a route that does nothing); `--mode api` builds a booking world in embedded ClickHouse, trains
 * and registers a model of every family, starts the real API (with `--log-off-box`, its request log sent over HTTP
 * to a ClickHouse stand-in in another process, clickhouse-sink.ts, instead of into the in-process ClickHouse), warms
 * its cache with the requests the bench will send, and prints one JSON line with the port, a key and those requests.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import Fastify from 'fastify';
import { Type } from 'typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { migrate } from '../../domain/migrate.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { createLogger } from '../../platform/log.ts';
import { embeddedPostgresUrl, freshDatabase, testClickHouse, testConfig, useClickHouseDatabase } from '../../test/support/services.ts';
import { buildApp } from '../../serving/app.ts';
import { tuneV8ForServing } from '../../platform/serving-v8.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { buildServingWorld } from '../../test/worlds/serving-world.ts';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'api' }, customers: { type: 'string', default: '1000' }, 'log-off-box': { type: 'boolean', default: false } } });
const log = createLogger('error');
const DAY_MS = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ready(payload: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify({ ready: true, ...payload }) + '\n');
}

const stopOnExit: Array<() => unknown> = [];
// Closed before exiting, in order: exiting with the embedded ClickHouse still inserting or merging has hung in its
// exit handlers (a lock never released), leaving the bench waiting for an exit that did not come.
process.once('SIGTERM', async () => {
  for (const stop of stopOnExit) await Promise.resolve(stop()).catch(() => undefined);
  process.exit(0);
});

/** Starts clickhouse-sink.ts in its own process and returns a client for it. */
async function clickhouseSink(): Promise<ClickHouseClient> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(path.dirname(fileURLToPath(import.meta.url)), 'clickhouse-sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  stopOnExit.push(() => child.kill('SIGTERM'));
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`clickhouse sink exited with ${code}`)));
    readline.createInterface({ input: child.stdout! }).once('line', resolve);
  });
  const { port } = JSON.parse(line) as { port: number };
  return createClient({ url: `http://127.0.0.1:${port}`, compression: { request: false, response: false } });
}

if (values.mode === 'bare') {
  const app = Fastify({ logger: false }).setValidatorCompiler(TypeBoxValidatorCompiler);
  app.get('/bare', { schema: { response: { 200: Type.Object({ ok: Type.Boolean() }) } } }, async () => ({ ok: true }));
  app.post(
    '/bare',
    { schema: { body: Type.Object({ itineraryId: Type.Integer(), partySize: Type.Integer(), cost: Type.Number() }), response: { 200: Type.Object({ price: Type.Number() }) } } },
    async (request) => ({ price: (request.body as { cost: number }).cost * 1.3 }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  ready({ port: (app.server.address() as { port: number }).port });
} else {
  // As `serve` does (platform/serving-v8.ts), from the start: the bench measures the API as it is run (the bench
  // starts this process with SERVING_V8_FLAGS, as npm start and the spirit-ml command start theirs).
  tuneV8ForServing(log);
  const started = performance.now();
  const handle = await testClickHouse();
  const clickhouse = handle.client;
  await useClickHouseDatabase(clickhouse, 'bench_serving');
  const world = await buildServingWorld(clickhouse, { customers: Number(values.customers), seed: 2026 });
  const db = await freshDatabase(await embeddedPostgresUrl(), 'bench_serving');
  // The embedded PostgreSQL stops with this process, and may do so before the pool's idle clients are closed: that is
  // an error event on the pool, which must not turn a clean exit into a crash (platform/postgres.ts does the same).
  db.pool.on('error', () => undefined);
  await migrate(db.pool, log);
  const key = (await createApiKey(db.pool, { name: 'bench', role: 'admin' })).key;
  const app = await buildApp({
    config: testConfig(),
    log,
    pg: db.pool,
    clickhouse,
    registry: world.registry,
    // --log-off-box: the API's own cost when the log's ClickHouse is another machine (CLICKHOUSE_URL), without
    // chDB's parsing, inserts and merges on these two cores.
    ...(values['log-off-box'] ? { requestLogClickHouse: await clickhouseSink() } : {}),
    // The rate limit protects against one runaway caller; here one caller stands for a whole fleet.
    settings: { rateLimitPerMinute: 100_000_000 },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  // The app first (it writes what the request log holds), then ClickHouse.
  stopOnExit.unshift(() => app.close(), () => handle.close());
  const port = (app.server.address() as { port: number }).port;

  // The quotation engine's traffic: repeat quotes of a set of itineraries, departures and parties.
  const itineraries = await queryRows<{ id: number }>(clickhouse, 'SELECT id FROM itineraries FINAL ORDER BY id LIMIT 40');
  const quotations = itineraries.map(({ id }, i) => ({
    itineraryId: Number(id),
    departureDate: new Date(Date.now() + (30 + (i % 9) * 10) * DAY_MS).toISOString().slice(0, 10),
    partySize: 1 + (i % 6),
    cost: 800 + 150 * (i % 7),
    customerId: 1 + i,
  }));
  const customers = (await queryRows<{ customer_id: string }>(clickhouse, 'SELECT DISTINCT customer_id FROM customer_itinerary_interactions ORDER BY customer_id LIMIT 200')).map((r) => Number(r.customer_id));

  // Warm the cache: ask everything once, then again until no answer has a defaulted feature (the first answers
  // may have timed out while their lookups went on to fill the cache).
  const headers = { 'x-api-key': key, 'content-type': 'application/json' };
  const base = `http://127.0.0.1:${port}`;
  for (let round = 0; round < 60; round++) {
    let cold = 0;
    for (const quotation of quotations) {
      const answer = (await (await fetch(`${base}/v1/prices/suggest`, { method: 'POST', headers, body: JSON.stringify({ quotation }) })).json()) as { suggestions: Array<{ featureSource: string | null }> };
      if (answer.suggestions[0].featureSource === null) cold++;
    }
    for (const customer of customers) {
      const answer = (await (await fetch(`${base}/v1/customers/${customer}/recommendations?k=10`, { headers })).json()) as { defaultedFeatures: string[] };
      if (answer.defaultedFeatures.length) cold++;
    }
    if (cold === 0) break;
    await sleep(1000);
  }
  ready({ port, key, quotations, customers, setupSeconds: Number(((performance.now() - started) / 1000).toFixed(1)), counts: world.truth.counts });
}
