import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, MACHINE_REDIS_URL, postgresTargets, quietLog, serviceSkipReason, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp, type AppDeps } from '../app.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { createApiKey, hashKey, KEY_PREFIX, listApiKeys, revokeApiKey } from './api-keys.ts';
import { ROLES, type Role } from '../../platform/http/roles.ts';
import { loadServingSettings } from '../settings.ts';

const targets = await postgresTargets();
const clickhouse = (await testClickHouse()).client;

const DEPARTURE = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
const QUOTATION = { itineraryId: 1, departureDate: DEPARTURE, partySize: 2, cost: 1000 };

/** Every /v1 route with a valid request, and the roles that may call it. */
const ROUTES: Array<{ method: string; path: string; body?: unknown; roles: readonly Role[] }> = [
  { method: 'POST', path: '/v1/prices/suggest', body: { quotation: QUOTATION }, roles: ['quotation-engine', 'pricing-manager', 'admin'] },
  { method: 'POST', path: '/v1/quotations/score', body: { quotation: QUOTATION }, roles: ['quotation-engine', 'pricing-manager', 'admin'] },
  { method: 'GET', path: '/v1/customers/1/recommendations', roles: ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] },
  { method: 'GET', path: '/v1/itineraries/1/similar', roles: ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] },
  { method: 'GET', path: '/v1/customers/1/segment', roles: ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] },
  { method: 'GET', path: '/v1/demand?destination=cusco', roles: ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] },
  { method: 'GET', path: '/v1/destinations', roles: ['pricing-manager', 'analyst', 'admin'] },
  { method: 'GET', path: '/v1/admin/models', roles: ['admin'] },
  { method: 'POST', path: '/v1/admin/models/reload', roles: ['admin'] },
  { method: 'GET', path: '/v1/admin/keys', roles: ['admin'] },
  { method: 'GET', path: '/metrics', roles: ['admin'] },
];

for (const target of targets) {
  describe(`API keys and roles on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let app: FastifyInstance;
    let http: HttpClient;
    const keys = {} as Record<Role, string>;
    let deps: AppDeps;

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'serving_auth');
      await migrate(db.pool, quietLog);
      await useClickHouseDatabase(clickhouse, `serving_auth_${target.name}`);
      await migrateWarehouse(clickhouse, quietLog);
      for (const role of ROLES) keys[role] = (await createApiKey(db.pool, { name: `${role} test`, role })).key;
      deps = {
        config: testConfig(),
        log: quietLog,
        pg: db.pool,
        clickhouse,
        registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
        // A long key cache: revocation must reach the API through NOTIFY, not through the cache expiring.
        settings: { keyCacheMs: 600_000, modelPollMs: 0, featureTimeoutMs: 200 },
      };
      app = await buildApp(deps);
      http = await listen(app);
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    it('stores keys hashed, shows them once, lists and revokes them', async () => {
      const created = await createApiKey(db.pool, { name: 'store test', role: 'analyst' });
      assert.match(created.key, new RegExp(`^${KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
      const { rows } = await db.pool.query<{ key_hash: string; key_prefix: string }>('SELECT key_hash, key_prefix FROM api_keys WHERE id = $1', [created.id]);
      assert.equal(rows[0].key_hash, hashKey(created.key));
      assert.ok(created.key.startsWith(rows[0].key_prefix) && rows[0].key_prefix.length < 12);
      const { rows: leaked } = await db.pool.query(`SELECT 1 FROM api_keys WHERE key_hash = $1 OR key_prefix = $1`, [created.key]);
      assert.equal(leaked.length, 0, 'the key itself is stored nowhere');
      const listed = (await listApiKeys(db.pool)).find((k) => k.id === created.id)!;
      assert.deepEqual([listed.role, listed.name, listed.revokedAt], ['analyst', 'store test', null]);
      const revoked = await revokeApiKey(db.pool, created.id);
      assert.ok(revoked.revokedAt);
      assert.equal((await revokeApiKey(db.pool, created.id)).revokedAt, revoked.revokedAt, 'revoking again changes nothing');
      await assert.rejects(revokeApiKey(db.pool, '987654'), /no API key with id 987654/);
      await assert.rejects(createApiKey(db.pool, { name: 'x', role: 'superuser' }), (err: Error & { field?: string }) => err.field === 'role');
      await assert.rejects(createApiKey(db.pool, { name: '  ', role: 'admin' }), (err: Error & { field?: string }) => err.field === 'name');
    });

    it('answers 401 to a missing, malformed, unknown or non-bearer credential', async () => {
      const path = '/v1/destinations';
      const missing = await http.call('GET', path);
      assert.equal(missing.status, 401);
      assert.equal(missing.body.code, 'unauthorized');
      assert.match(missing.headers.get('www-authenticate') ?? '', /Bearer/);
      assert.equal((await http.call('GET', path, { key: 'not-a-key' })).status, 401);
      assert.equal((await http.call('GET', path, { key: KEY_PREFIX + 'A'.repeat(43) })).status, 401);
      assert.equal((await http.call('GET', path, { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } })).status, 401);
      assert.equal((await http.call('GET', path, { token: 'eyJ.not.atoken' })).status, 401);
    });

    it('lets each role call exactly the routes it is allowed, 403 elsewhere', async () => {
      for (const route of ROUTES) {
        for (const role of ROLES) {
          const response = await http.call(route.method, route.path, { key: keys[role], body: route.body });
          if (route.roles.includes(role)) {
            assert.ok(![401, 403].includes(response.status), `${role} ${route.method} ${route.path} → ${response.status} ${response.text.slice(0, 200)}`);
          } else {
            assert.equal(response.status, 403, `${role} ${route.method} ${route.path} → ${response.status}`);
            assert.equal(response.body.code, 'forbidden');
            assert.match(response.body.message, new RegExp(`role ${role} may not call`));
          }
        }
      }
    });

    it('answers 503 naming the family when a route’s family has no champion', async () => {
      const response = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: QUOTATION } });
      assert.equal(response.status, 503);
      assert.equal(response.body.code, 'model_unavailable');
      assert.match(response.body.message, /no price model is being served.*spirit-ml models promote price/);
    });

    it('refuses a revoked key at once, although verified keys are cached', async () => {
      const created = await createApiKey(db.pool, { name: 'to revoke', role: 'analyst' });
      assert.equal((await http.call('GET', '/v1/admin/models', { key: created.key })).status, 403, 'cached as an analyst');
      await revokeApiKey(db.pool, created.id);
      let status = 0;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        status = (await http.call('GET', '/v1/admin/models', { key: created.key })).status;
        if (status === 401) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(status, 401, 'the revocation reached the API through LISTEN/NOTIFY');
    });

    it('ends the tokens of a revoked key with it, although tokens are signed and keys cached', async () => {
      const created = await createApiKey(db.pool, { name: 'token holder', role: 'analyst' });
      const token = (await http.call('POST', '/v1/auth/token', { key: created.key, body: { ttlSeconds: 3600 } })).body.token as string;
      assert.equal((await http.call('GET', '/v1/admin/models', { token })).status, 403, 'the token works (as an analyst)');
      await revokeApiKey(db.pool, created.id);
      let refused = { status: 0, body: {} as Record<string, unknown> };
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        refused = await http.call('GET', '/v1/admin/models', { token });
        if (refused.status === 401) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(refused.status, 401, 'an hour-long token stopped with its key');
      assert.match(String(refused.body.message), /key this token was issued for is unknown or revoked/);
      const forged = app.jwt.sign({ sub: 'key:987654', role: 'admin', name: 'nobody' });
      assert.equal((await http.call('GET', '/v1/admin/models', { token: forged })).status, 401, 'a token for a key that never existed');
      const notAKey = app.jwt.sign({ sub: 'someone', role: 'admin', name: 'someone' });
      assert.equal((await http.call('GET', '/v1/admin/models', { token: notAKey })).status, 401, 'a token whose subject is no key');
    });

    it('exchanges a key for a token with its role; tokens work until they expire and cannot buy tokens', async () => {
      const issued = await http.call('POST', '/v1/auth/token', { key: keys.analyst, body: { ttlSeconds: 120 } });
      assert.equal(issued.status, 200);
      assert.equal(issued.body.role, 'analyst');
      const token = issued.body.token as string;
      assert.ok(Date.parse(issued.body.expiresAt) > Date.now() + 100_000);
      assert.notEqual((await http.call('GET', '/v1/destinations', { token })).status, 401);
      assert.equal((await http.call('GET', '/v1/admin/keys', { token })).status, 403);
      assert.equal((await http.call('POST', '/v1/auth/token', { token })).status, 403);
      assert.equal((await http.call('POST', '/v1/auth/token', { key: keys.analyst })).status, 200, 'no body: the default lifetime');
      const tampered = token.slice(0, -3) + (token.endsWith('abc') ? 'xyz' : 'abc');
      assert.equal((await http.call('GET', '/v1/destinations', { token: tampered })).status, 401);
      const expired = app.jwt.sign({ sub: 'key:1', role: 'analyst', name: 'old', exp: Math.floor(Date.now() / 1000) - 5 } as never);
      const refused = await http.call('GET', '/v1/destinations', { token: expired });
      assert.equal(refused.status, 401);
      assert.match(refused.body.message, /expired/);
      const unknownRole = app.jwt.sign({ sub: 'x', role: 'superuser', name: 'x' } as never);
      assert.equal((await http.call('GET', '/v1/destinations', { token: unknownRole })).status, 401);
      assert.equal((await http.call('POST', '/v1/auth/token', { key: keys.analyst, body: { ttlSeconds: 10 } })).body.field, 'ttlSeconds');
    });

    it('keeps health and readiness open and metrics for admins', async () => {
      assert.deepEqual((await http.call('GET', '/health')).body, { status: 'ok' });
      // Open to anyone, so it says only whether and why: this registry is empty, so no family has a model.
      const ready = await http.call('GET', '/ready');
      assert.equal(ready.status, 503);
      assert.deepEqual(Object.keys(ready.body).sort(), ['ready', 'reasons', 'warnings']);
      for (const family of ['price', 'segmentation', 'recommender', 'demand']) assert.ok(ready.body.reasons.some((r: string) => r.includes(`no ${family} model`)), `${family} named`);
      assert.equal((await http.call('GET', '/metrics')).status, 401);
      const metrics = await http.call('GET', '/metrics', { key: keys.admin });
      assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain; version=0.0.4/);
      assert.match(metrics.text, /spirit_auth_failures_total\{reason="forbidden"\} \d+/);
      assert.match(metrics.text, /spirit_http_requests_total\{route="\/v1\/destinations",method="GET",status="401"\} \d+/);
    });

    it('manages keys through the admin routes', async () => {
      const created = await http.call('POST', '/v1/admin/keys', { key: keys.admin, body: { name: 'made over HTTP', role: 'pricing-manager' } });
      assert.equal(created.status, 201);
      assert.equal((await http.call('GET', '/v1/destinations', { key: created.body.key })).status === 401, false);
      const listed = await http.call('GET', '/v1/admin/keys', { key: keys.admin });
      assert.ok(listed.body.keys.some((k: { id: string; key?: string }) => k.id === created.body.id && k.key === undefined));
      assert.equal((await http.call('DELETE', `/v1/admin/keys/${created.body.id}`, { key: keys.admin })).status, 200);
      assert.equal((await http.call('GET', '/v1/destinations', { key: created.body.key })).status, 401);
      assert.equal((await http.call('DELETE', '/v1/admin/keys/999999', { key: keys.admin })).status, 404);
      assert.equal((await http.call('POST', '/v1/admin/keys', { key: keys.admin, body: { name: 'x', role: 'root' } })).body.field, 'role');
    });

    it('limits requests per credential (429), each credential on its own count', async () => {
      const limited = await buildApp({ ...deps, settings: { ...deps.settings, rateLimitPerMinute: 3 } });
      const client = await listen(limited);
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await client.call('GET', '/v1/admin/models', { key: keys.admin })).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        const refused = await client.call('GET', '/v1/admin/models', { key: keys.admin });
        assert.equal(refused.body.code, 'rate_limited');
        assert.ok(refused.headers.get('retry-after'));
        assert.equal((await client.call('GET', '/v1/destinations', { key: keys.analyst })).status === 429, false, 'another key has its own budget');
        assert.equal((await client.call('GET', '/health')).status, 200, 'health is not limited');
      } finally {
        await limited.close();
      }
    });

    it('behind one proxy (TRUST_PROXY=true), counts refused credentials by the address the proxy saw, not one the client wrote', async () => {
      const proxied = await buildApp({ ...deps, settings: { ...deps.settings, trustProxy: loadServingSettings({ TRUST_PROXY: 'true' }).trustProxy, failedCredentialsPerMinute: 5 } });
      const client = await listen(proxied);
      try {
        const statuses = [];
        for (let i = 0; i < 8; i++) {
          // Each guess names another first address; the proxy appends the one it saw.
          const headers = { 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` };
          statuses.push((await client.call('GET', '/v1/destinations', { key: `${KEY_PREFIX}guess${i}${'x'.repeat(37)}`, headers })).status);
        }
        assert.ok(statuses.includes(429), `guesses from one proxied client are limited: ${statuses.join(' ')}`);
      } finally {
        await proxied.close();
      }
    });

    it('serves extra plugins (the review desk) under the same rules, and refuses a /v1 route that names no roles', async () => {
      const withReview = await buildApp({
        ...deps,
        plugins: [
          async (review) => {
            review.get('/v1/review/queue', { config: { roles: ['pricing-manager', 'admin'] } }, async () => ({ queue: [] }));
          },
        ],
      });
      const client = await listen(withReview);
      try {
        assert.equal((await client.call('GET', '/v1/review/queue', { key: keys['pricing-manager'] })).status, 200);
        assert.equal((await client.call('GET', '/v1/review/queue', { key: keys.analyst })).status, 403);
        assert.equal((await client.call('GET', '/v1/review/queue')).status, 401);
      } finally {
        await withReview.close();
      }
      await assert.rejects(buildApp({ ...deps, plugins: [async (p) => void p.get('/v1/open', async () => ({}))] }), /route GET \/v1\/open must declare config.roles/);
    });
  });
}

const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);

describe('two API processes on one Redis (REDIS_URL)', { skip: redisSkip }, () => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_redis');
    await migrate(db.pool, quietLog);
    await useClickHouseDatabase(clickhouse, 'serving_redis');
    await migrateWarehouse(clickhouse, quietLog);
  });
  after(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  it('share one rate-limit count per credential and one feature cache', async () => {
    const config = testConfig({ REDIS_URL: MACHINE_REDIS_URL });
    const deps: AppDeps = { config, log: quietLog, pg: db.pool, clickhouse, registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href), settings: { rateLimitPerMinute: 4, modelPollMs: 0, redisPrefix: `spirit-test:${process.pid}:${Date.now()}:` } };
    const [first, second] = [await buildApp(deps), await buildApp(deps)];
    apps.push(first, second);
    const clients = [await listen(first), await listen(second)];
    const { key } = await createApiKey(db.pool, { name: `redis ${Date.now()}`, role: 'analyst' });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await clients[i % 2].call('GET', '/v1/destinations', { key })).status);
    assert.deepEqual(statuses.slice(0, 4).every((s) => s !== 429), true, statuses.join(','));
    assert.deepEqual(statuses.slice(4), [429, 429], 'the two processes counted together');
    // The report cached by the first process is what the second answers from.
    const { key: other } = await createApiKey(db.pool, { name: `redis other ${Date.now()}`, role: 'analyst' });
    const fromFirst = await clients[0].call('GET', '/v1/destinations?from=2020-01-01&to=2020-12-31', { key: other });
    assert.equal(fromFirst.status, 200);
    const metricsKey = (await createApiKey(db.pool, { name: 'metrics', role: 'admin' })).key;
    const lookups = async (source: string) =>
      Number(new RegExp(`spirit_feature_lookups_total\\{kind="report",source="${source}"\\} (\\d+)`).exec((await clients[1].call('GET', '/metrics', { key: metricsKey })).text)?.[1] ?? 0);
    const [cacheBefore, storeBefore] = [await lookups('cache'), await lookups('store')];
    await clients[1].call('GET', '/v1/destinations?from=2020-01-01&to=2020-12-31', { key: other });
    assert.deepEqual([await lookups('cache'), await lookups('store')], [cacheBefore + 1, storeBefore]);
  });
});
