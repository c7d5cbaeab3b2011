import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Redis } from 'ioredis';
import { migrate } from '../../domain/migrate.ts';
import { recordEvent } from '../../domain/outbox.ts';
import { streamSettings } from '../../platform/event-stream.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { OutboxRelay } from '../../pipelines/outbox/outbox-relay.ts';
import { EventsConsumer, openRedis, redisStreamPublisher } from '../../pipelines/outbox/redis-event-stream.ts';
import { waitFor } from '../../pipelines/runner/fixtures/cli-process.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

/**
 * Found by the soak harness (bench/soak.bench.ts, #22): when Redis was killed and came back without its data, the
 * events consumer met NOGROUP, stopped, and took its process down with an unhandled rejection; events committed
 * afterwards never reached ClickHouse. Now the consumer logs, waits and starts over (creating the group again),
 * and so does the relay's publisher, so events committed after the restart arrive.
 */
const redisServer = await startOwnRedis();

describe('the event relay and consumer when Redis restarts empty', { skip: redisServer.skipReason }, () => {
  let db: TestDatabase;
  let clickhouse: ClickHouseClient;
  let relayRedis: Redis;
  let consumerRedis: Redis;
  let relay: OutboxRelay;
  let consumer: EventsConsumer;
  const settings = streamSettings({ OUTBOX_STREAM: 'faults:restart', OUTBOX_CONSUMER: 'consumer-a' });

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'redis_restart');
    await migrate(db.pool, quietLog);
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'faults_redis_restart');
    await migrateWarehouse(clickhouse, quietLog);
    relayRedis = openRedis(redisServer.url!, quietLog);
    consumerRedis = openRedis(redisServer.url!, quietLog);
    relay = new OutboxRelay(db.pool, redisStreamPublisher(relayRedis, settings), quietLog, { pollMs: 200 });
    consumer = new EventsConsumer(consumerRedis, clickhouse, settings, quietLog, { flushMs: 100, blockMs: 200 });
    relay.start();
    consumer.start();
  });
  after(async () => {
    await relay?.stop();
    await consumer?.stop();
    relayRedis?.disconnect();
    consumerRedis?.disconnect();
    await db?.drop();
    await redisServer.stop();
  });

  async function commit(from: number, count: number): Promise<void> {
    await inTransaction(db.pool, async (client) => {
      for (let i = from; i < from + count; i++) await recordEvent(client, { aggregateType: 'booking', aggregateId: i, type: 'booking.created', payload: { booking: i } });
    });
  }

  const inClickHouse = async () => Number((await (await clickhouse.query({ query: 'SELECT count() AS n FROM events FINAL', format: 'JSONEachRow' })).json<{ n: string }>())[0].n);

  it('keeps consuming: events committed after the restart reach ClickHouse', async () => {
    await commit(0, 50);
    await waitFor('the first events in ClickHouse', async () => (await inClickHouse()) === 50, 20_000, 100);
    await redisServer.restart();
    // Long enough for the consumer's blocked read to come back with NOGROUP.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await commit(50, 50);
    await waitFor('the events committed after the restart in ClickHouse', async () => (await inClickHouse()) === 100, 30_000, 100);
    assert.equal(await inClickHouse(), 100);
  });
});
