import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { recordEvent } from '../../domain/outbox.ts';
import { seedSampleCatalogue } from '../worlds/sample-catalogue.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { clickHousePublisher } from '../../pipelines/outbox/clickhouse-events.ts';
import { OutboxRelay } from '../../pipelines/outbox/outbox-relay.ts';
import { waitFor } from '../../pipelines/runner/fixtures/cli-process.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey, KEYS_CHANNEL, revokeApiKey } from '../../serving/auth/api-keys.ts';
import { GUARDRAILS_CHANNEL } from '../../serving/guardrails/guardrail-store.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';
import { OPERATOR_SECRET } from '../security/attacked-api.ts';

/**
 * Reproduced in the faults review (#22, point 1): `pg_terminate_backend` on the outbox relay's connection made
 * the API process exit on an unhandled pg 'error' event, and /health stopped answering. Here a running API with
 * its relay has its dedicated connections ended by the server — first the relay's alone, then every connection
 * of its database (the two LISTEN connections, idle pooled ones) — and must keep answering, then get each one
 * back by itself within seconds: the relay publishes again, key revocations are heard again.
 */
const RELAY_LOCK = 7_201_030_031;

describe('the API when PostgreSQL ends its connections', () => {
  let db: TestDatabase;
  let admin: pg.Client;
  let app: FastifyInstance;
  let relay: OutboxRelay;
  let http: HttpClient;
  const keys: Record<string, { id: string; key: string }> = {};

  before(async () => {
    const baseUrl = await embeddedPostgresUrl();
    db = await freshDatabase(baseUrl, 'dropped');
    admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await migrate(db.pool, quietLog);
    await seedSampleCatalogue(db.pool);
    for (const role of ['admin', 'analyst']) keys[role] = await createApiKey(db.pool, { name: `${role} dropped`, role });
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'dropped');
    await migrateWarehouse(clickhouse, quietLog);
    app = await buildApp({
      config: testConfig(),
      log: quietLog,
      pg: db.pool,
      clickhouse,
      registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
      // A key verdict stays fresh for a minute: only a working LISTEN connection makes a revocation count sooner.
      settings: { jwtSecret: OPERATOR_SECRET, modelPollMs: 0, keyCacheMs: 60_000, keyOutageGraceMs: 60_000 },
    });
    // As `npm start` runs it: in the API's process, on the API's pool, straight into ClickHouse.
    relay = new OutboxRelay(db.pool, clickHousePublisher(clickhouse), quietLog, { pollMs: 30_000 });
    relay.start();
    http = await listen(app);
  });
  after(async () => {
    await relay?.stop();
    await app?.close();
    await admin?.end();
    await db?.drop();
  });

  const dbName = () => new URL(db.url).pathname.slice(1);

  async function relayPid(): Promise<number | undefined> {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1 AND ((l.classid::bigint << 32) | l.objid::bigint) = $2`,
      [dbName(), RELAY_LOCK],
    );
    return rows[0]?.pid;
  }

  async function listening(): Promise<string[]> {
    const { rows } = await admin.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'LISTEN %' ORDER BY query`, [dbName()]);
    return rows.map((r) => r.query);
  }

  const allListening = async () => {
    const now = await listening();
    return now.includes(`LISTEN ${KEYS_CHANNEL}`) && now.includes(`LISTEN ${GUARDRAILS_CHANNEL}`) && (await relayPid()) !== undefined;
  };

  async function eventIsPublished(label: number): Promise<void> {
    const recorded = await inTransaction(db.pool, (client) => recordEvent(client, { aggregateType: 'quotation', aggregateId: label, type: 'quotation.approved', payload: { quotationId: label } }));
    await waitFor(
      `event ${label} published`,
      async () => (await db.pool.query('SELECT 1 FROM outbox_events WHERE id = $1 AND published_at IS NOT NULL', [recorded.id])).rowCount === 1,
      10_000,
    );
  }

  async function stillAnswering(): Promise<void> {
    // The process dies on the next turns of the event loop if an 'error' event finds no listener: ask a few times.
    for (let i = 0; i < 5; i++) {
      assert.equal((await http.call('GET', '/health')).status, 200, 'the API still answers /health');
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }

  it('keeps answering when the outbox relay loses its connection, and the relay publishes again', async () => {
    await waitFor('the relay and both listeners connected', allListening, 10_000);
    await eventIsPublished(1);
    const pid = await relayPid();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await stillAnswering();
    await waitFor('a relay connection again', async () => {
      const now = await relayPid();
      return now !== undefined && now !== pid;
    }, 10_000);
    await eventIsPublished(2);
  });

  it('keeps answering when every connection of its database is ended, and gets each dedicated one back', async () => {
    assert.equal((await http.call('GET', '/v1/destinations', { key: keys.analyst.key })).status, 200);
    const { rows } = await admin.query<{ n: number }>('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName()]);
    assert.ok(rows[0].n >= 3, `the relay and both listeners were ended (${rows[0].n} connections)`);
    await stillAnswering();
    assert.equal((await http.call('GET', '/metrics', { key: keys.admin.key })).status, 200, 'a verified key keeps working');

    const started = Date.now();
    await waitFor('the relay and both listeners connected again', allListening, 10_000);
    assert.ok(Date.now() - started < 10_000);
    await eventIsPublished(3);

    // Re-verified after the reconnect, then fresh for a minute: a revocation takes effect at once only because
    // the key listener hears it again.
    assert.equal((await http.call('GET', '/v1/destinations', { key: keys.analyst.key })).status, 200);
    await revokeApiKey(db.pool, keys.analyst.id);
    await waitFor('the revocation heard', async () => (await http.call('GET', '/v1/destinations', { key: keys.analyst.key })).status === 401, 3000);
  });
});
