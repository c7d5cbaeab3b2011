import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { MACHINE_REDIS_URL } from '../../test/support/services.ts';
import { emptyContext, MemorySessionStore, RedisSessionStore } from './session-store.ts';

describe('chat session stores', () => {
  it('forget a session its time-to-live after its last message, and keep it while messages come', async () => {
    let now = 0;
    const store = new MemorySessionStore(1000, 10, () => now);
    await store.save('s', { ...emptyContext(), party_size: 4 });
    now = 900;
    assert.equal((await store.load('s'))?.party_size, 4);
    await store.save('s', { ...emptyContext(), party_size: 5 });
    now = 1800;
    assert.equal((await store.load('s'))?.party_size, 5, 'the last message restarted the clock');
    now = 1900;
    assert.equal(await store.load('s'), undefined);
  });

  it('hold at most their bound in process, dropping the oldest, and hand out copies', async () => {
    const store = new MemorySessionStore(60_000, 3);
    for (const id of ['a', 'b', 'c', 'd']) await store.save(id, emptyContext());
    assert.equal(await store.load('a'), undefined);
    assert.ok(await store.load('d'));
    const loaded = (await store.load('d'))!;
    loaded.party_size = 9;
    assert.equal((await store.load('d'))!.party_size, null, 'changing a loaded context does not change the stored one');
  });

  describe('in Redis', () => {
    const clients = [new Redis(MACHINE_REDIS_URL), new Redis(MACHINE_REDIS_URL)];
    const prefix = `spirit-test:chat:${randomUUID()}:`;
    after(async () => {
      const keys = await clients[0].keys(`${prefix}*`);
      if (keys.length) await clients[0].del(...keys);
      for (const c of clients) c.disconnect();
    });

    it('are shared by replicas and expire with their time-to-live', async () => {
      const [one, two] = clients.map((c) => new RedisSessionStore(c, prefix, 300));
      await one.save('wa-1', { ...emptyContext(), destinationCode: 'cusco', messages: 2 });
      const seen = await two.load('wa-1');
      assert.equal(seen?.destinationCode, 'cusco');
      assert.equal(seen?.messages, 2);
      const ttl = await clients[0].pttl(`${prefix}wa-1`);
      assert.ok(ttl > 0 && ttl <= 300, `pttl ${ttl}`);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(await two.load('wa-1'), undefined);
    });
  });
});
