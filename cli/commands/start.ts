import fs from 'node:fs';
import path from 'node:path';
import type { Command } from '../command.ts';
import { intArg } from '../command.ts';
import { openStores } from '../stores.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { registryLocation } from '../../models/registry/registry-location.ts';
import { loadPipelineGraph } from '../../pipelines/graph.ts';
import { runPipelineInProcess } from '../../pipelines/runner/in-process-runner.ts';
import { openStepServices } from '../../pipelines/runner/step-services.ts';
import { generateWorld } from '../../domain/generator/index.ts';
import { buildApp } from '../../serving/app.ts';
import { listenOnConfigured } from '../listen.ts';
import { FAMILIES } from '../../serving/champions/families.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { reviewDesk } from '../../domain/review-desk/review-routes.ts';
import { reviewPage } from '../../domain/review-desk/review-page.ts';
import { quotationGraph } from '../../domain/graphql/graphql-plugin.ts';
import { chatConversation } from '../../domain/chat/chat-plugin.ts';
import { personalData } from '../../domain/personal-data/personal-data-plugin.ts';
import { ensureReviewWork } from '../../domain/quotations/sample-quotations.ts';
import { ScoringClient } from '../../domain/quotations/scoring-client.ts';
import { OutboxRelay } from '../../pipelines/outbox/outbox-relay.ts';
import { ingestEvery } from '../../pipelines/ingest/ingest-every.ts';
import { clickHousePublisher } from '../../pipelines/outbox/clickhouse-events.ts';
import { tuneV8ForServing } from '../../platform/serving-v8.ts';
import { onStopSignal } from '../../platform/stopping.ts';
import { refreshMarts } from '../../pipelines/warehouse/marts.ts';
import { familiesToTrain, unservedFamilies } from '../start-models.ts';

const ROLES = ['admin', 'pricing-manager', 'quotation-engine', 'analyst'] as const;

/**
 * The main job on embedded defaults: databases, a sample world on first run, the pipeline (ingest, features,
 * models), then the API. Everything lives under the data directory, so a second start reuses it.
 */
export const command: Command = {
  name: 'start',
  summary: 'Run everything on this machine: databases, sample data, pipeline, models and the API',
  options: {
    customers: { type: 'string', description: 'Customers in the generated sample world (first run only)', default: '3000' },
    years: { type: 'string', description: 'Years of history in the sample world (first run only)', default: '3' },
    seed: { type: 'string', description: "Seed of the sample world and of the review desk's sample quotations", default: '42' },
    retrain: { type: 'boolean', description: 'Run the model steps even when every family already has a judged model (champion or challenger)' },
    'no-serve': { type: 'boolean', description: 'Stop after the pipeline instead of starting the API' },
    'ingest-every': { type: 'string', description: 'Minutes between ingests while serving (0 = only at start)', default: '15' },
  },
  details: [
    'Data lives under SPIRIT_DATA_DIR (default ./.spirit-ml). Set DATABASE_URL / CLICKHOUSE_URL to use servers.',
    'The API listens on HOST:PORT (default 127.0.0.1:8080). API keys for each role are written to',
    '<data dir>/api-keys.json on the first run.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    const customers = intArg(args, 'customers', { min: 10, max: 2_000_000 });
    const years = intArg(args, 'years', { min: 1, max: 20 });
    const seed = intArg(args, 'seed', { min: 0, max: 2 ** 31 - 1 });
    const ingestMinutes = intArg(args, 'ingest-every', { min: 0, max: 24 * 60 });
    const started = performance.now();
    const say = (line: string) => process.stderr.write(`spirit-ml: ${line}\n`);

    say(`data directory ${config.dataDir}`);
    const stores = await openStores(config, log);
    const registry = ModelRegistry.open(registryLocation(config.dataDir));
    let closing = false;
    const shutdown = async (code: number) => {
      if (closing) return;
      closing = true;
      await stores.close().catch(() => undefined);
      process.exit(code);
    };

    let app: Awaited<ReturnType<typeof buildApp>> | undefined;
    try {
      const { rows } = await stores.pg.query<{ n: string }>('SELECT count(*) AS n FROM customers');
      if (Number(rows[0].n) === 0) {
        say(`generating a sample world: ${customers.toLocaleString('en-US')} customers, ${years} years, seed ${seed}`);
        const world = await generateWorld(stores.pg, { customers, years, seed, log });
        say(`sample world ready in ${world.seconds.toFixed(1)} s: ${formatCounts(world.counts)}`);
      } else {
        say(`reusing the booking system in place (${Number(rows[0].n).toLocaleString('en-US')} customers)`);
      }

      const missing = await familiesToTrain(registry, FAMILIES);
      const graph = await loadPipelineGraph();
      const train = args.values.retrain === true || missing.length > 0;
      const selection = train ? {} : { only: ['ingest'] };
      say(train ? `pipeline: ${graph.map((s) => s.name).join(' → ')}` : 'every model family has a trained model: ingest only (--retrain to train again)');
      const services = await openStepServices(config, log, { pg: stores.pg, clickhouse: stores.clickhouse, registry });
      // The models train with the pipeline's defaults, as the nightly runs do: a seed of its own would make their
      // holdouts another kind (the seed fixes the held-out sample), so no later version could replace these champions.
      const report = await runPipelineInProcess(graph, services, { selection, params: {}, trigger: 'manual' });
      await refreshMarts(stores.clickhouse);
      const runs = report.steps;
      for (const run of runs) say(`  ${run.step.padEnd(20)} ${run.status.padEnd(9)} ${run.seconds.toFixed(1).padStart(6)} s  ${run.error ?? summarise(run.outputs)}`);
      const failed = runs.filter((r) => r.status !== 'succeeded');
      if (failed.length > 0) say(`${failed.length} step(s) did not succeed; the API serves what is available (families without a model answer 503)`);
      for (const line of await unservedFamilies(registry, FAMILIES)) say(line);

      // Written before --no-serve stops: the README and the sql and notebook commands send people to this file.
      const keys = await ensureApiKeys(stores.pg, config.dataDir);
      if (args.values['no-serve'] === true) {
        say(`API keys: ${keys.file} (one per role)`);
        await stores.close();
        return failed.length > 0 ? 1 : 0;
      }
      // From here this process serves requests (the pipeline above is done): see platform/serving-v8.ts.
      tuneV8ForServing(log);
      const api = await buildApp({
        config,
        log,
        pg: stores.requests,
        clickhouse: stores.clickhouse,
        registry,
        plugins: [reviewDesk({ pool: stores.requests, clickhouse: stores.clickhouse }), reviewPage(), quotationGraph({ pool: stores.requests, log }), chatConversation({ pool: stores.requests, log, redisUrl: config.redisUrl, retentionDays: config.chatRetentionDays }), personalData({ pg: stores.requests, clickhouse: stores.clickhouse })],
      });
      app = api;
      const address = await listenOnConfigured(api, config);
      const base = address.replace('0.0.0.0', '127.0.0.1');
      // The quotation engine quotes a few upcoming departures through the API, so the review desk has work;
      // nothing happens when suggestions are already pending (a restart does not pile up more).
      const work = await ensureReviewWork(
        { pool: stores.pg, scorer: new ScoringClient({ baseUrl: base, apiKey: keys.keys['quotation-engine'] }), log },
        { count: 24, seed },
      );
      say(`review desk: ${work.pending} suggestion(s) pending`);
      out(runningBanner({ base, seconds: (performance.now() - started) / 1000, keysFile: keys.file, keys: keys.keys }));
      // Domain events (quotations, bookings, payments) reach ClickHouse's `events` table through the outbox. With
      // REDIS_URL the relay and its consumer run in `spirit-ml worker`; here, in this process, straight to
      // ClickHouse, at most one insert a second (each insert is a part).
      const relay = config.redisUrl ? undefined : new OutboxRelay(stores.pg, clickHousePublisher(stores.clickhouse), log, { minIntervalMs: 1000 });
      relay?.start();
      const ingests = ingestMinutes > 0 ? ingestEvery(stores.pg, stores.clickhouse, ingestMinutes * 60_000, log) : undefined;
      const stop = async () => {
        await ingests?.stop();
        await relay?.stop();
        await api.close().catch(() => undefined);
        await shutdown(0);
      };
      onStopSignal(() => void stop());
      await new Promise<never>(() => undefined);
    } catch (err) {
      // The API first: its LISTEN clients hold pool connections that the stores' close would wait for forever.
      await app?.close().catch(() => undefined);
      await stores.close().catch(() => undefined);
      throw err;
    }
  },
};

/** One key per role on the first run, kept (readable by this user only) so the next start shows the same. */
async function ensureApiKeys(pool: Parameters<typeof createApiKey>[0], dataDir: string): Promise<{ file: string; keys: Record<string, string> }> {
  const file = path.join(dataDir, 'api-keys.json');
  if (fs.existsSync(file)) return { file, keys: JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string> };
  const keys: Record<string, string> = {};
  for (const role of ROLES) keys[role] = (await createApiKey(pool, { name: `npm start (${role})`, role })).key;
  fs.writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return { file, keys };
}

/**
 * What `npm start` prints once it serves: every URL in it answers (the API's routes are under /v1, which itself is
 * no route, so the docs page is given for them), and the README section it points to exists.
 */
export function runningBanner(o: { base: string; seconds: number; keysFile: string; keys: Record<string, string> }): string {
  const { base, keysFile } = o;
  return [
    '',
    `Spirit ML is running (ready in ${o.seconds.toFixed(1)} s).`,
    `  API docs       ${base}/docs   (every /v1 route; send the header  x-api-key: <key>)`,
    `  Health         ${base}/health   ${base}/ready`,
    `  Review desk    ${base}/review`,
    `  GraphQL        ${base}/graphql   (same keys; GraphiQL at ${base}/graphiql outside production)`,
    `  API keys       ${keysFile}   (one per role, readable by you only; lists show prefixes: ${keyPrefixes(o.keys)})`,
    `  Try it         curl -H "x-api-key: $(node -p "require('${keysFile}').analyst")" ${base}/v1/destinations`,
    '',
    'Stop with Ctrl+C. `npm start` again reuses the data; the embedded ClickHouse is held by this process while it',
    'runs, so `spirit-ml sql` and `notebook run` send their queries to this API (README, section Analysts).',
    '',
  ].join('\n');
}

/** Keys are shown whole once, in the file; elsewhere only by the prefix that `keys list` shows too. */
function keyPrefixes(keys: Record<string, string>): string {
  return Object.entries(keys)
    .map(([role, key]) => `${role} ${key.slice(0, 10)}…`)
    .join(', ');
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
    .join(', ');
}

function summarise(outputs: Record<string, unknown> | undefined): string {
  if (!outputs) return '';
  return Object.entries(outputs)
    .slice(0, 5)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toFixed(4)) : String(v)}`)
    .join(' ');
}
