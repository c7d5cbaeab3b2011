import type { Command } from '../command.ts';
import { openStores } from '../stores.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { registryLocation } from '../../models/registry/registry-location.ts';
import { buildApp } from '../../serving/app.ts';
import { listenOnConfigured } from '../listen.ts';
import { tuneV8ForServing } from '../../platform/serving-v8.ts';
import { onStopSignal } from '../../platform/stopping.ts';
import { reviewDesk } from '../../domain/review-desk/review-routes.ts';
import { reviewPage } from '../../domain/review-desk/review-page.ts';
import { quotationGraph } from '../../domain/graphql/graphql-plugin.ts';
import { chatConversation } from '../../domain/chat/chat-plugin.ts';
import { personalData } from '../../domain/personal-data/personal-data-plugin.ts';

/** How long in-flight requests get to finish after SIGINT/SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * `spirit-ml serve`: the scoring API alone, on the data that is there (no generation, no pipeline). Opens
 * PostgreSQL and ClickHouse (embedded unless DATABASE_URL / CLICKHOUSE_URL), migrates both, loads the champions
 * from the registry and listens on HOST:PORT until SIGINT or SIGTERM, then stops taking requests, lets those in
 * flight finish, writes the scored-request log and closes the stores.
 */
export const command: Command = {
  name: 'serve',
  summary: 'Serve the scoring API on HOST:PORT (default 127.0.0.1:8080) until stopped',
  options: {},
  details: [
    'Environment: HOST, PORT, SPIRIT_DATA_DIR, DATABASE_URL, CLICKHOUSE_URL, REDIS_URL (shared cache and rate limits),',
    'MODEL_REGISTRY_URL, JWT_SECRET (share it between replicas), RATE_LIMIT_PER_MINUTE, MODEL_POLL_SECONDS,',
    'FEATURE_TIMEOUT_MS. Guardrails are data: spirit-ml guardrails --help. See serving/README.md.',
    'Create a key first: spirit-ml keys create --name NAME --role ROLE',
  ].join('\n'),
  async run(_args, { config, log, out }) {
    tuneV8ForServing(log);
    const stores = await openStores(config, log);
    let app;
    try {
      app = await buildApp({ config, log, pg: stores.requests, clickhouse: stores.clickhouse, registry: ModelRegistry.open(registryLocation(config.dataDir)), plugins: [reviewDesk({ pool: stores.requests, clickhouse: stores.clickhouse }), reviewPage(), quotationGraph({ pool: stores.requests, log }), chatConversation({ pool: stores.requests, log, redisUrl: config.redisUrl, retentionDays: config.chatRetentionDays }), personalData({ pg: stores.requests, clickhouse: stores.clickhouse })] });
      await listenOnConfigured(app, config);
    } catch (err) {
      await app?.close().catch(() => undefined);
      await stores.close().catch(() => undefined);
      throw err;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    out(servingBanner(base));

    const signal = await new Promise<NodeJS.Signals>((resolve) => onStopSignal(resolve));
    log.info('shutting down', { signal });
    const forced = setTimeout(() => {
      log.error('shutdown took too long; exiting', { graceMs: SHUTDOWN_GRACE_MS });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    forced.unref();
    await app.close();
    await stores.close();
    clearTimeout(forced);
    return 0;
  },
};

/** What `spirit-ml serve` prints once it listens: every URL in it answers (GET /v1 is no route; /docs lists them). */
export function servingBanner(base: string): string {
  return [
    `Spirit ML scoring API listening on ${base}`,
    `  Docs     ${base}/docs   (every /v1 route; header X-API-Key: <key>, made with: spirit-ml keys create --name NAME --role ROLE)`,
    `  GraphQL  ${base}/graphql  (same keys)`,
    `  Review   ${base}/review   (the pricing managers' review desk; sign in with a pricing-manager key)`,
    `  Health   ${base}/health   ${base}/ready`,
    `  Metrics  ${base}/metrics  (admin key)`,
    '',
  ].join('\n');
}
