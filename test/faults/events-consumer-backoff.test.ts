import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { streamSettings } from '../../platform/event-stream.ts';
import { createLogger } from '../../platform/log.ts';
import { EventsConsumer, openRedis } from '../../pipelines/outbox/redis-event-stream.ts';
import { startOwnRedis } from '../support/own-redis.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../support/services.ts';

/**
 * Found by a read-only review: the consumer reset its pause every time it reached Redis, so a ClickHouse that
 * refused every insert (here: a database without the events table, a real refusal) was retried five times a second
 * for as long as it lasted, each retry a warning, hammering the warehouse exactly when it was refusing inserts.
 */
const redisServer = await startOwnRedis();

describe('the events consumer while ClickHouse refuses its inserts', { skip: redisServer.skipReason }, () => {
  let redis: Redis;
  let consumerRedis: Redis;
  let consumer: EventsConsumer;
  const waits: number[] = [];
  const settings = streamSettings({ OUTBOX_STREAM: 'faults:backoff', OUTBOX_CONSUMER: 'consumer-b' });

  before(async () => {
    const { client } = await testClickHouse();
    await useClickHouseDatabase(client, 'faults_consumer_backoff'); // not migrated: no events table
    redis = openRedis(redisServer.url!, quietLog);
    await redis.xadd(settings.key, '*', 'event', JSON.stringify({ id: 1, aggregateType: 'booking', aggregateId: 1, type: 'booking.created', payload: {}, createdAt: new Date().toISOString() }));
    const log = createLogger('warn', {}, (line) => {
      const entry = JSON.parse(line) as { msg: string; retryInMs?: number };
      if (entry.msg.startsWith('events consumer error')) waits.push(entry.retryInMs!);
    });
    consumerRedis = openRedis(redisServer.url!, quietLog);
    consumer = new EventsConsumer(consumerRedis, client, settings, log, { flushMs: 50, blockMs: 100 });
    consumer.start();
  });
  after(async () => {
    await consumer?.stop();
    redis?.disconnect();
    consumerRedis?.disconnect();
    await redisServer.stop();
  });

  it('waits longer after each refusal, up to its ceiling, instead of retrying at once', async () => {
    await new Promise((resolve) => setTimeout(resolve, 4000));
    assert.ok(waits.length >= 3, `${waits.length} retries`);
    assert.ok(waits.length <= 6, `${waits.length} retries in 4 s: the pause did not grow (${waits.join(', ')} ms)`);
    assert.ok(waits.at(-1)! > 2 * waits[0], `pauses ${waits.join(', ')} ms`);
    assert.equal(consumer.consumed, 0, 'nothing was acknowledged that did not reach ClickHouse');
  });
});
