import crypto from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyJwt from '@fastify/jwt';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { validatorCompiler } from './http/validator-compiler.ts';
import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { survivePostgresDisconnects } from '../platform/connection-errors.ts';
import type { ModelRegistry } from '../models/registry/model-registry.ts';
import { installAuthentication } from './auth/authentication.ts';
import { jwtSecret } from './auth/jwt-secret.ts';
import { ApiKeyVerifier } from './auth/key-verifier.ts';
import { RateCounts } from './auth/rate-counts.ts';
import { installRateLimit } from './auth/rate-limit.ts';
import { installAuditTrail } from './audit/audit-trail.ts';
import { ANSWER_HEADERS, installBrowserPolicy } from './http/browser-policy.ts';
import { installTextHygiene, parseQueryString } from './http/text-hygiene.ts';
import { ChampionModels } from './champions/champion-models.ts';
import { GuardrailBook } from './guardrails/guardrail-book.ts';
import type { ServingContext } from './context.ts';
import { clientErrorHandler, frameworkErrorHandler, installErrorHandler } from '../platform/http/error-handler.ts';
import type { HostedPlugin, PluginHost } from '../platform/http/plugin-host.ts';
import { requestIds } from '../platform/http/request-ids.ts';
import { openApiDocument, transformRouteForDocs } from './http/openapi.ts';
import { createApiMetrics } from './metrics/api-metrics.ts';
import { OnlineCatalogue } from './online/catalogue.ts';
import { MemoryFeatureCache } from './online/memory-cache.ts';
import { OnlineFeatures } from './online/online-features.ts';
import { RedisFeatureCache } from './online/redis-cache.ts';
import type { ServingSources } from './online/sources.ts';
import { warehouseSources } from './online/warehouse-sources.ts';
import { bookingSystemSources } from './online/booking-system-sources.ts';
import { RequestLog } from './request-log/request-log.ts';
import { EventBacklogMonitor } from './readiness/event-backlog.ts';
import { adminRoutes } from './routes/admin.ts';
import { PersonalisationConsent } from './online/personalisation-consent.ts';
import { analyticsRoutes } from './routes/analytics.ts';
import { authRoutes } from './routes/auth.ts';
import { demandRoutes } from './routes/demand.ts';
import { destinationRoutes } from './routes/destinations.ts';
import { guardrailRoutes } from './routes/guardrails.ts';
import { itineraryRoutes } from './routes/itineraries.ts';
import { messageRoutes } from './routes/messages.ts';
import { healthRoutes } from './routes/health.ts';
import { priceRoutes } from './routes/prices.ts';
import { quotationRoutes } from './routes/quotations.ts';
import { recommendationRoutes } from './routes/recommendations.ts';
import { segmentRoutes } from './routes/segments.ts';
import { loadServingSettings, type ServingSettings } from './settings.ts';
import { forgetCustomer } from './online/customer-profile-keys.ts';

export interface AppDeps {
  config: Config;
  log: Logger;
  pg: pg.Pool;
  clickhouse: ClickHouseClient;
  registry: ModelRegistry;
  /**
   * More routes, registered after the API's own: the domain's applications (review desk, GraphQL, chat, personal
   * data), built by the CLI. Every route of theirs under /v1/ must declare `config.roles`; authentication, rate
   * limits, the audit trail, errors and docs apply. Each is registered with `{ host }` (platform/http/plugin-host.ts).
   */
  plugins?: HostedPlugin[];
  /** Overrides of the environment's serving settings (tests shorten polls and timeouts). */
  settings?: Partial<ServingSettings>;
  /** Replaces the ClickHouse-backed sources of online data (another store, or a test's slow one). */
  sources?: ServingSources;
  /** Where the scored-request log is written, when not into `clickhouse` (a ClickHouse kept for logs). */
  requestLogClickHouse?: ClickHouseClient;
}

/**
 * Every request gets an id of ours, which the audit log, the scored-request log and our log lines carry and the
 * response names (X-Request-Id). A caller's own X-Request-Id cannot be it: an analyst could then give their write
 * the id of a manager's, and the audit would show two rows under one request. Theirs, when it is a sensible token,
 * is logged beside ours (callerRequestId), so their logs and ours still join.
 */
function requestId(): string {
  return crypto.randomUUID();
}

function callerRequestId(request: FastifyRequest): string | undefined {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : undefined;
}

/**
 * The scoring API: one fastify plugin per area (prices, recommendations, segments, demand, quotations,
 * destinations, admin, auth, health), TypeBox schemas on every route, the OpenAPI document and /docs generated
 * from them. Models are loaded from the registry before this returns and polled for new champions afterwards.
 * The app is not listening: `npm start`/`spirit-ml serve` call listen, tests use inject or listen on port 0.
 * Closing the app stops the poll, flushes the scored-request log and closes its own connections (not the
 * PostgreSQL pool or the ClickHouse client, which belong to the caller).
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const settings: ServingSettings = { ...loadServingSettings(), ...deps.settings };
  // Checked before anything is opened, so a refused secret leaves nothing running.
  const secret = jwtSecret(deps.config.dataDir, settings.jwtSecret, { sharedDatabase: deps.config.databaseUrl !== undefined });
  const log = deps.log.child({ component: 'api' });
  const metrics = createApiMetrics();
  // Whoever made the pool, a connection the server ends must not end the API.
  survivePostgresDisconnects(deps.pg, log);

  let redis: Redis | undefined;
  if (deps.config.redisUrl) {
    const { Redis: RedisClient } = await import('ioredis');
    // Short timeouts: a slow Redis must turn into a cache miss, not a slow request.
    redis = new RedisClient(deps.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: settings.featureTimeoutMs, connectTimeout: 2000, enableOfflineQueue: true });
    redis.on('error', (err) => log.warn('redis error', { error: err.message }));
    await redis.connect().catch((err) => log.warn('redis not reachable at start; cache lookups miss until it is', { error: (err as Error).message }));
  }
  const cache = redis ? new RedisFeatureCache(redis, `${settings.redisPrefix}features:`) : new MemoryFeatureCache();
  const champions = new ChampionModels(deps.registry, log, metrics);
  const requestLog = new RequestLog(deps.requestLogClickHouse ?? deps.clickhouse, log, metrics, {
    flushMs: settings.requestLogFlushMs,
    batchRows: settings.requestLogBatchRows,
    maxBuffered: settings.requestLogMaxBuffered,
  });
  const verifier = new ApiKeyVerifier(deps.pg, log, { cacheMs: settings.keyCacheMs, outageGraceMs: settings.keyOutageGraceMs, onLookup: () => metrics.keyLookups.inc({}) });
  const counts = new RateCounts(redis, `${settings.redisPrefix}rate:`, log);
  const guardrails = new GuardrailBook(deps.pg, log);
  const consent = new PersonalisationConsent(deps.pg, log);
  const events = new EventBacklogMonitor(deps.pg, redis, settings.eventStream, metrics, log);
  const sources = deps.sources ?? warehouseSources(deps.clickhouse);
  const catalogue = new OnlineCatalogue(sources, log, settings.catalogueRefreshMs);
  const ctx: ServingContext = {
    config: deps.config,
    settings,
    log,
    pg: deps.pg,
    clickhouse: deps.clickhouse,
    champions,
    guardrails,
    online: new OnlineFeatures(cache, settings.featureTimeoutMs, metrics, log),
    catalogue,
    sources,
    bookingSystem: bookingSystemSources(deps.pg, metrics, log),
    consent,
    requestLog,
    metrics,
    events,
  };

  const app = Fastify({
    logger: false,
    bodyLimit: settings.bodyLimitBytes,
    genReqId: requestId,
    // A number of proxies trusts that many hops nearest to us (proxy-addr's own rule for a count, typed as a function).
    trustProxy: typeof settings.trustProxy === 'number' ? ((hops: number) => (_address: string, hop: number) => hop < hops)(settings.trustProxy) : settings.trustProxy,
    clientErrorHandler,
    frameworkErrors: frameworkErrorHandler,
    // Node's server only keeps the limit it was created with (set afterwards, as fastify's own option does, it is not
    // enforced), and looks for requests past it this often (30 s by default, as long as the limit itself).
    requestTimeout: settings.requestTimeoutMs,
    http: { requestTimeout: settings.requestTimeoutMs, connectionsCheckingInterval: Math.min(30_000, Math.max(250, settings.requestTimeoutMs / 4)) },
    routerOptions: { maxParamLength: 200, querystringParser: parseQueryString },
  }).setValidatorCompiler(validatorCompiler);
  app.server.maxConnections = settings.maxConnections;

  app.addHook('onClose', async () => {
    await champions.close();
    await events.close();
    await requestLog.close();
    await verifier.close();
    await guardrails.close();
    consent.close();
    catalogue.close();
    await cache.close();
    if (redis) await redis.quit().catch(() => redis!.disconnect());
  });

  try {
    await champions.refresh();
    champions.startPolling(settings.modelPollMs);
    requestLog.start();
    await verifier.listen();
    await guardrails.start();
    await consent.start(settings.consentPollMs);
    events.start(settings.eventBacklogSampleMs);
    await catalogue.start();

    installErrorHandler(app, log);
    installTextHygiene(app);
    // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
    const debugRequests = deps.config.logLevel === 'debug';
    app.decorateRequest('callerRequestId', undefined);
    app.addHook('onRequest', (request, reply, done) => {
      request.callerRequestId = callerRequestId(request);
      reply.header('x-request-id', request.id);
      reply.headers(ANSWER_HEADERS);
      done();
    });
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
      metrics.requestSeconds.observe({ route, method: request.method }, reply.elapsedTime / 1000);
      if (debugRequests) log.debug('request', { ...requestIds(request), method: request.method, route, status: reply.statusCode, ms: Number(reply.elapsedTime.toFixed(2)), caller: request.principal?.id });
      done();
    });

    await app.register(fastifyJwt, { secret, sign: { algorithm: 'HS256' }, verify: { algorithms: ['HS256'] } });
    installBrowserPolicy(app, settings.corsOrigins);
    installAuthentication(app, { verifier, metrics, counts, maxTokenTtlSeconds: settings.tokenTtlSeconds, failedCredentialsPerMinute: settings.failedCredentialsPerMinute });
    installRateLimit(app, { counts, perMinute: settings.rateLimitPerMinute });
    installAuditTrail(app, { pool: deps.pg, log });
    await app.register(fastifySwagger, { openapi: openApiDocument(), transform: transformRouteForDocs });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

    await app.register(healthRoutes, { ctx });
    await app.register(
      async (v1) => {
        await v1.register(authRoutes, { ctx });
        await v1.register(priceRoutes, { ctx });
        await v1.register(guardrailRoutes, { ctx });
        await v1.register(quotationRoutes, { ctx });
        await v1.register(recommendationRoutes, { ctx });
        await v1.register(segmentRoutes, { ctx });
        await v1.register(demandRoutes, { ctx });
        await v1.register(destinationRoutes, { ctx });
        await v1.register(itineraryRoutes, { ctx });
        await v1.register(messageRoutes, { ctx });
        await v1.register(analyticsRoutes, { ctx });
        await v1.register(adminRoutes, { ctx, verifier });
      },
      { prefix: '/v1' },
    );
    const host: PluginHost = {
      withholdPersonalisation: (customerId) => {
        consent.withhold(customerId);
        // What the cache holds of them goes too (Redis: for every replica); a cache that cannot be reached ages out.
        forgetCustomer(ctx.online, customerId).catch((err: Error) => log.warn('could not drop an erased customer from the feature cache; it expires by itself', { customerId, error: err.message }));
      },
    };
    for (const plugin of deps.plugins ?? []) await app.register(plugin, { host });
  } catch (err) {
    await app.close().catch(() => undefined);
    throw err;
  }
  return app;
}
