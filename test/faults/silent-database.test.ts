import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { REQUEST_QUERY_TIMEOUT_MS, requestPool } from '../../platform/postgres.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { freePort } from '../support/free-port.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { freshDatabase, MACHINE_PG_URL, quietLog, serviceSkipReason, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';
import { openSilenceableRelay, relayedUrl, type SilenceableRelay } from '../support/tcp-relay.ts';
import { OPERATOR_SECRET } from '../security/attacked-api.ts';

/**
 * A PostgreSQL that accepts connections but does not answer (a frozen server, a network partition): reproduced in
 * the operators' review, every route that needed it hung for as long as the client waited. The API's requests now
 * wait a bounded time for a connection and for an answer, then get 503 with Retry-After; when the server answers
 * again, so do they.
 */
const skip = await serviceSkipReason('PostgreSQL', MACHINE_PG_URL);

describe('the API while PostgreSQL accepts connections but does not answer', { skip }, () => {
  let db: TestDatabase;
  let relay: SilenceableRelay;
  let pool: pg.Pool;
  let app: FastifyInstance;
  let http: HttpClient;
  let key = '';

  before(async () => {
    db = await freshDatabase(MACHINE_PG_URL, 'silent_pg');
    await migrate(db.pool, quietLog);
    key = (await createApiKey(db.pool, { name: 'manager (silent database)', role: 'pricing-manager' })).key;
    const port = await freePort();
    relay = await openSilenceableRelay(port, new URL(db.url));
    const relayed = new pg.Pool({ connectionString: relayedUrl(db.url, port), max: 4 });
    pool = requestPool(relayed);
    await relayed.end();
    pool.on('error', () => undefined);
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'silent_pg');
    await migrateWarehouse(clickhouse, quietLog);
    app = await buildApp({
      config: testConfig(),
      log: quietLog,
      pg: pool,
      clickhouse,
      registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
      // Keys verified before the silence stay valid through it: the routes themselves are what is measured.
      settings: { jwtSecret: OPERATOR_SECRET, modelPollMs: 0, keyCacheMs: 600_000, keyOutageGraceMs: 600_000 },
    });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await pool?.end().catch(() => undefined);
    await relay?.close();
    await db?.drop();
  });

  it('answers 503 with Retry-After within the request timeouts, and answers again once the server does', async () => {
    assert.equal((await http.call('GET', '/v1/guardrails', { key })).status, 200);
    relay.silence();
    const started = performance.now();
    const silent = await http.call('GET', '/v1/guardrails', { key });
    const waited = performance.now() - started;
    assert.equal(silent.status, 503, silent.text);
    assert.equal(silent.body.code, 'store_unavailable');
    assert.ok(silent.headers.get('retry-after'));
    assert.ok(waited < REQUEST_QUERY_TIMEOUT_MS + 5_000, `answered after ${Math.round(waited)} ms`);
    relay.speak();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await http.call('GET', '/v1/guardrails', { key })).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 200, 'answers again by itself');
  });
});
