import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import { createLogger } from '../../platform/log.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

/**
 * Reproduced in the faults review (#22, point 6) and the security review (#19, exposure): with a corrupt price
 * champion at start, /ready answered `ready:true, models:"ok"` while nothing served prices and every price request
 * got 503; the log said "the previous model keeps serving" though none did; public /ready listed model versions;
 * the 503 named the artefact's file path. Now /ready is not ready and names the family, the log tells the truth,
 * the details are for admins at /v1/admin/readiness, and no answer names a path.
 */
describe('readiness with a corrupt champion at start', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  let registryDir: string;
  let corrupt: ModelVersion;
  const logLines: string[] = [];
  const keys: Record<string, string> = {};

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'readiness');
    await migrate(db.pool, quietLog);
    for (const role of ['admin', 'analyst', 'quotation-engine']) keys[role] = (await createApiKey(db.pool, { name: `${role} readiness`, role })).key;
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'readiness');
    await migrateWarehouse(clickhouse, quietLog);

    registryDir = tempDir('registry');
    const registry = ModelRegistry.open(pathToFileURL(registryDir).href);
    corrupt = await registry.register({
      artifact: { family: 'price', formatVersion: 1, params: {}, state: {} },
      dataWindow: { from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') },
      featuresVersion: 'price-features-v1',
      metrics: { rmse: 1 },
      holdoutId: 'readiness',
    });
    await registry.promote('price', corrupt.version, 'corrupt at start');
    fs.writeFileSync(path.join(registryDir, corrupt.artifact.key), 'not the bytes that were registered');

    app = await buildApp({
      config: testConfig(),
      log: createLogger('info', {}, (line) => logLines.push(line)),
      pg: db.pool,
      clickhouse,
      registry,
      settings: { modelPollMs: 0 },
    });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  const leaksNothing = (text: string, what: string) => {
    assert.ok(!text.includes(registryDir), `${what} names the registry's directory: ${text}`);
    assert.doesNotMatch(text, /file:\/\/|\/tmp\/|\.json(\.gz)?\b/, `${what} names a file: ${text}`);
  };

  it('is not ready while a family has no model, names it, and shows no versions or paths', async () => {
    const ready = await http.call('GET', '/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.body.ready, false);
    assert.deepEqual(Object.keys(ready.body).sort(), ['ready', 'reasons', 'warnings']);
    const price = ready.body.reasons.find((r: string) => r.includes('no price model is being served'));
    assert.ok(price, `price named among ${JSON.stringify(ready.body.reasons)}`);
    assert.match(price, /could not be loaded/);
    for (const family of ['segmentation', 'recommender', 'demand']) assert.ok(ready.body.reasons.some((r: string) => r.includes(`no ${family} model`)));
    assert.doesNotMatch(ready.text, /price-0|serving|champion":/, 'no model versions in the public answer');
    leaksNothing(ready.text, '/ready');
  });

  it('logs the truth: no previous model keeps serving when there is none', () => {
    const failed = logLines.map((line) => JSON.parse(line) as { msg: string; family?: string }).filter((l) => l.family === 'price' && /failed to load/.test(l.msg));
    assert.equal(failed.length, 1, logLines.join('\n'));
    assert.doesNotMatch(failed[0].msg, /previous model keeps serving/);
    assert.match(failed[0].msg, /no model of this family is being served/);
  });

  it('answers a price request with 503 that names no file', async () => {
    const answer = await http.call('POST', '/v1/prices/suggest', {
      key: keys['quotation-engine'],
      body: { quotation: { itineraryId: 1, departureDate: '2030-06-01', partySize: 2, cost: 1200 } },
    });
    assert.equal(answer.status, 503);
    assert.equal(answer.body.code, 'model_unavailable');
    leaksNothing(answer.text, 'the 503');
    const models = await http.call('GET', '/v1/admin/models', { key: keys.admin });
    const status = models.body.families.find((f: { family: string }) => f.family === 'price');
    assert.match(status.lastError.message, /corrupt/);
    leaksNothing(models.text, '/v1/admin/models');
  });

  it('gives the details to admins only, at GET /v1/admin/readiness, documented', async () => {
    assert.equal((await http.call('GET', '/v1/admin/readiness')).status, 401);
    assert.equal((await http.call('GET', '/v1/admin/readiness', { key: keys.analyst })).status, 403);
    const details = await http.call('GET', '/v1/admin/readiness', { key: keys.admin });
    assert.equal(details.status, 200);
    assert.equal(details.body.ready, false);
    assert.equal(details.body.stores.postgres.ok, true);
    assert.equal(details.body.stores.clickhouse.ok, true);
    const price = details.body.models.find((m: { family: string }) => m.family === 'price');
    assert.equal(price.champion, corrupt.version);
    assert.equal(price.serving, null);
    assert.deepEqual(details.body.events.outbox, { unpublished: 0, oldestUnpublishedSeconds: null });
    assert.equal(details.body.events.stream, null, 'no Redis: events go straight to ClickHouse');
    leaksNothing(details.text, '/v1/admin/readiness');

    const docs = await http.call('GET', '/docs/json');
    const documented = docs.body.paths['/v1/admin/readiness']?.get;
    assert.ok(documented, 'in the OpenAPI document');
    assert.match(documented.description, /Roles: admin/);
  });
});
