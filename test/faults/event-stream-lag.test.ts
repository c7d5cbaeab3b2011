import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { migrate } from '../../domain/migrate.ts';
import { recordEvent } from '../../domain/outbox.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { streamSettings } from '../../platform/event-stream.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { OutboxRelay } from '../../pipelines/outbox/outbox-relay.ts';
import { consumerCaughtUp, EventsConsumer, openRedis, redisStreamPublisher } from '../../pipelines/outbox/redis-event-stream.ts';
import { waitFor } from '../../pipelines/runner/fixtures/cli-process.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

/**
 * Reproduced in the faults review (#22, point 4): with OUTBOX_STREAM_MAXLEN=1000 and the consumer lagging, the
 * stream's MAXLEN trimmed entries the consumer group had not read while their outbox rows were already stamped
 * published: 1,792 of 2,807 events lost, nothing logged. Now the relay trims only what the group acknowledged and
 * stops publishing when the stream holds 1,000 unacknowledged entries; the rest wait in PostgreSQL, the lag is a
 * metric and a /ready warning, and when the consumer catches up every event reaches ClickHouse.
 */
const EVENTS = 2807;
const redisServer = await startOwnRedis();

describe('events through a stream whose consumer lags', { skip: redisServer.skipReason }, () => {
  let db: TestDatabase;
  let redis: Redis;
  let clickhouse: ClickHouseClient;
  let app: FastifyInstance;
  let http: HttpClient;
  let relay: OutboxRelay;
  let consumer: EventsConsumer | undefined;
  let adminKey: string;
  const settings = streamSettings({ OUTBOX_STREAM_MAXLEN: '1000', OUTBOX_STREAM: 'faults:events', OUTBOX_CONSUMER: 'consumer-a' });

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'stream_lag');
    await migrate(db.pool, quietLog);
    adminKey = (await createApiKey(db.pool, { name: 'admin', role: 'admin' })).key;
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'faults_stream_lag');
    await migrateWarehouse(clickhouse, quietLog);
    redis = openRedis(redisServer.url!, quietLog);
    // The consumer ran before (its group exists), and is down now.
    await new EventsConsumer(redis, clickhouse, settings, quietLog).ensureGroup();
    for (let written = 0; written < EVENTS; ) {
      const batch = Math.min(100, EVENTS - written);
      await inTransaction(db.pool, async (client) => {
        for (let i = 0; i < batch; i++) await recordEvent(client, { aggregateType: 'booking', aggregateId: written + i, type: 'booking.created', payload: { booking: written + i } });
      });
      written += batch;
    }
    app = await buildApp({
      config: testConfig({ REDIS_URL: redisServer.url! }),
      log: quietLog,
      pg: db.pool,
      clickhouse,
      registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
      settings: { modelPollMs: 0, eventStream: settings, eventBacklogSampleMs: 0, featureTimeoutMs: 2000 },
    });
    http = await listen(app);
    relay = new OutboxRelay(db.pool, redisStreamPublisher(redis, settings), quietLog, { pollMs: 200 });
    relay.start();
  });
  after(async () => {
    await relay?.stop();
    await consumer?.stop();
    await app?.close();
    redis?.disconnect();
    await db?.drop();
    await redisServer.stop();
  });

  const unpublished = async () => Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox_events WHERE published_at IS NULL')).rows[0].n);

  it('holds what does not fit in PostgreSQL, reports the lag, and loses nothing when the consumer catches up', async () => {
    await waitFor('the relay to fill the stream', async () => relay.published >= 1000, 20_000);
    // Several more polls: a relay that trims by length would go on publishing (and dropping) here.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(relay.published, 1000, 'no more published than the stream may hold unacknowledged');
    assert.equal(await unpublished(), EVENTS - 1000, 'the rest wait in PostgreSQL');
    assert.equal(await redis.xlen(settings.key), 1000);

    const details = await http.call('GET', '/v1/admin/readiness', { key: adminKey });
    assert.deepEqual(details.body.events.stream, { unacknowledged: 1000, capacity: 1000 });
    assert.equal(details.body.events.outbox.unpublished, EVENTS - 1000);
    const ready = await http.call('GET', '/ready');
    assert.ok(ready.body.warnings.some((w: string) => /event stream is full/.test(w)), JSON.stringify(ready.body.warnings));
    assert.match((await http.call('GET', '/metrics', { key: adminKey })).text, /spirit_event_stream_unacknowledged_entries 1000\n/);
    assert.match((await http.call('GET', '/metrics', { key: adminKey })).text, new RegExp(`spirit_outbox_unpublished_events ${EVENTS - 1000}\\n`));

    consumer = new EventsConsumer(redis, clickhouse, settings, quietLog, { flushMs: 200 });
    consumer.start();
    await waitFor('every event published and acknowledged', async () => (await unpublished()) === 0 && (await consumerCaughtUp(redis, settings)), 60_000, 200);
    const outboxIds = (await db.pool.query<{ id: string }>('SELECT id::text FROM outbox_events ORDER BY id')).rows.map((r) => r.id);
    const stored = await (await clickhouse.query({ query: 'SELECT toString(id) AS id FROM events FINAL ORDER BY id', format: 'JSONEachRow' })).json<{ id: string }>();
    assert.equal(stored.length, EVENTS, `${EVENTS - stored.length} events lost`);
    assert.deepEqual(stored.map((r) => r.id), outboxIds);

    const after = await http.call('GET', '/v1/admin/readiness', { key: adminKey });
    assert.equal(after.body.events.stream.unacknowledged, 0);
    assert.deepEqual((await http.call('GET', '/ready')).body.warnings.filter((w: string) => /event/.test(w)), []);
  });
});
