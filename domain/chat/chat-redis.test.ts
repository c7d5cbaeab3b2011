import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { startAttackedApi, type AttackedApi } from '../../test/security/attacked-api.ts';
import { MACHINE_REDIS_URL } from '../../test/support/services.ts';

/** With REDIS_URL the API keeps chat sessions in Redis, where every replica finds them. */
describe('POST /v1/chat/messages with Redis', () => {
  let api: AttackedApi;
  const redis = new Redis(MACHINE_REDIS_URL);
  const sessionId = `redis-${randomUUID()}`;
  const key = `spirit:chat:v1:${sessionId}`;

  before(async () => {
    api = await startAttackedApi('chat_redis', { withModels: true, env: { REDIS_URL: MACHINE_REDIS_URL } });
  });
  after(async () => {
    await redis.del(key);
    redis.disconnect();
    await api?.close();
  });

  it('keeps the context in Redis with its time-to-live, and carries it to the next message', async () => {
    const say = (text: string) => api.http.call('POST', '/v1/chat/messages', { key: api.keys['quotation-engine'], body: { sessionId, text, today: '2027-03-10' } });
    const first = await say('quisiera cotizar un viaje a machu picchu');
    assert.equal(first.status, 200, first.text);
    const stored = JSON.parse((await redis.get(key)) ?? 'null');
    assert.equal(stored?.destinationCode, 'cusco');
    const ttl = await redis.pttl(key);
    assert.ok(ttl > 60 * 60 * 1000 && ttl <= 2 * 60 * 60 * 1000, `pttl ${ttl}`);
    // What another replica would do: the stored context is what the next message builds on.
    await redis.set(key, JSON.stringify({ ...stored, party_size: 6 }), 'PX', 60_000);
    const second = await say('el 14 de julio');
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.context.destinationCode, 'cusco');
    assert.equal(second.body.context.party_size, 6, 'read from Redis, not from the process');
  });
});
