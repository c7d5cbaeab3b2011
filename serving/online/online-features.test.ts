import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createApiMetrics } from '../metrics/api-metrics.ts';
import { MACHINE_REDIS_URL, quietLog, serviceSkipReason } from '../../test/support/services.ts';
import { FEATURE_TTL_MS, REFRESH_AFTER } from './feature-cache.ts';
import { MemoryFeatureCache } from './memory-cache.ts';
import { OnlineFeatures } from './online-features.ts';
import { RedisFeatureCache } from './redis-cache.ts';
import { customerCountryKey, customerFeaturesKey, forgetCustomer } from './customer-profile-keys.ts';
import { startOwnRedis } from '../../test/support/own-redis.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A store that answers after `delayMs`, counting its queries. */
function slowStore<T>(value: T, delayMs: number) {
  const store = { calls: 0, load: async () => (store.calls++, await sleep(delayMs), value) };
  return store;
}

describe('memory feature cache', () => {
  it('serves a value until its time-to-live, then misses', async () => {
    let now = 1_000_000;
    const cache = new MemoryFeatureCache(100, () => now);
    await cache.set('price:a', { x: 1 }, 15 * 60_000);
    now += 15 * 60_000 - 1;
    assert.deepEqual((await cache.get('price:a'))?.value, { x: 1 });
    now += 1;
    assert.equal(await cache.get('price:a'), undefined);
  });

  it('keeps at most maxEntries, dropping the oldest first', async () => {
    const cache = new MemoryFeatureCache(3);
    for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, key, 60_000);
    assert.equal(cache.size, 3);
    assert.equal(await cache.get('a'), undefined);
    assert.equal((await cache.get('d'))?.value, 'd');
  });

  it('lets go of expired entries nobody asks for again, as new ones are written (found by a review)', async () => {
    let now = 1_000_000;
    const cache = new MemoryFeatureCache(100_000, () => now);
    // A window of dates asked once each: never read again.
    for (let i = 0; i < 1000; i++) await cache.set(`availability:window-${i}`, [i], 60_000);
    now += 60_000;
    for (let i = 0; i < 1000; i++) await cache.set(`price:${i}`, i, 15 * 60_000);
    assert.equal(cache.size, 1000, 'only the live entries are held');
    assert.equal((await cache.get('price:999'))?.value, 999);
  });

  it('gives each kind of feature its own time-to-live: availability minutes, prices a quarter hour, profiles a day', () => {
    assert.ok(FEATURE_TTL_MS.availability <= 10 * 60_000);
    assert.equal(FEATURE_TTL_MS.price, 15 * 60_000);
    assert.equal(FEATURE_TTL_MS.profile, 24 * 3_600_000);
  });
});

describe('online features', () => {
  it('forgets a customer: what was cached of them is asked of the store again', async () => {
    const online = new OnlineFeatures(new MemoryFeatureCache(), 1000, createApiMetrics(), quietLog);
    const store = slowStore({ age: 53 }, 5);
    await online.lookup('profile', customerFeaturesKey(7), store.load);
    await online.lookup('profile', customerCountryKey(7), store.load);
    await forgetCustomer(online, 7);
    assert.equal((await online.lookup('profile', customerFeaturesKey(7), store.load)).source, 'store');
    assert.equal((await online.lookup('profile', customerCountryKey(7), store.load)).source, 'store');
    assert.equal(store.calls, 4);
  });

  it('answers from the store, then from the cache', async () => {
    const metrics = createApiMetrics();
    const online = new OnlineFeatures(new MemoryFeatureCache(), 1000, metrics, quietLog);
    const store = slowStore({ popularity: 42 }, 5);
    const first = await online.lookup('price', 'cusco', store.load);
    const second = await online.lookup('price', 'cusco', store.load);
    assert.deepEqual([first.source, second.source], ['store', 'cache']);
    assert.deepEqual(second.value, { popularity: 42 });
    assert.equal(store.calls, 1);
    assert.equal(metrics.featureLookups.value({ kind: 'price', source: 'cache' }), 1);
  });

  it('does not wait on a slow store beyond the timeout, and the late answer fills the cache', async () => {
    const online = new OnlineFeatures(new MemoryFeatureCache(), 30, createApiMetrics(), quietLog);
    const store = slowStore('late', 120);
    const started = performance.now();
    const first = await online.lookup('profile', 'customer:1', store.load);
    const waited = performance.now() - started;
    assert.equal(first.source, 'default');
    assert.equal(first.source === 'default' && first.reason, 'timeout');
    assert.ok(waited < 110, `waited ${waited.toFixed(0)} ms for a 30 ms timeout`);
    await sleep(150);
    const second = await online.lookup('profile', 'customer:1', store.load);
    assert.deepEqual([second.source, second.value], ['cache', 'late']);
    assert.equal(store.calls, 1);
  });

  it('shares one store query between concurrent misses of a key', async () => {
    const online = new OnlineFeatures(new MemoryFeatureCache(), 1000, createApiMetrics(), quietLog);
    const store = slowStore(7, 20);
    const answers = await Promise.all(Array.from({ length: 25 }, () => online.lookup('availability', 'w', store.load)));
    assert.ok(answers.every((a) => a.value === 7));
    assert.equal(store.calls, 1);
  });

  it('runs at most maxConcurrentLoads store queries at once', async () => {
    const online = new OnlineFeatures(new MemoryFeatureCache(), 5000, createApiMetrics(), quietLog, 3);
    let running = 0;
    let peak = 0;
    const load = async () => {
      running++;
      peak = Math.max(peak, running);
      await sleep(10);
      running--;
      return 1;
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => online.lookup('price', `k${i}`, load)));
    assert.equal(peak, 3);
  });

  it('refreshes a value read in the last fifth of its time-to-live in the background, answering the cached one meanwhile', async () => {
    let now = 1_000_000;
    const metrics = createApiMetrics();
    const online = new OnlineFeatures(new MemoryFeatureCache(100, () => now), 1000, metrics, quietLog);
    let seats = 10;
    let calls = 0;
    const load = async () => (calls++, await sleep(5), seats);
    const ttl = FEATURE_TTL_MS.availability;
    assert.deepEqual(await online.lookup('availability', 'dep-1', load), { value: 10, source: 'store' });

    seats = 7;
    now += REFRESH_AFTER * ttl - 1;
    assert.deepEqual(await online.lookup('availability', 'dep-1', load), { value: 10, source: 'cache' });
    assert.equal(calls, 1, 'not due yet');

    now += 1;
    const reads = await Promise.all(Array.from({ length: 5 }, () => online.lookup('availability', 'dep-1', load)));
    assert.ok(reads.every((r) => r.source === 'cache' && r.value === 10), 'due: still answered from the cache, without waiting');
    await sleep(30);
    assert.equal(calls, 2, 'one refresh for five reads');
    assert.equal(metrics.featureRefreshes.value({ kind: 'availability', outcome: 'refreshed' }), 1);

    // Past the first value's time-to-live, the refreshed one serves, with a time-to-live of its own.
    now += ttl - REFRESH_AFTER * ttl + 1;
    assert.deepEqual(await online.lookup('availability', 'dep-1', load), { value: 7, source: 'cache' });
    assert.equal(calls, 2);
  });

  it('keeps the cached object when a refresh brings back the same value, so what was derived from it stays valid', async () => {
    let now = 1_000_000;
    const online = new OnlineFeatures(new MemoryFeatureCache(100, () => now), 1000, createApiMetrics(), quietLog);
    let itineraries = ['12', '40'];
    let calls = 0;
    const load = async () => (calls++, [...itineraries]);
    const first = (await online.lookup('availability', 'window', load)).value;
    const ttl = FEATURE_TTL_MS.availability;
    now += REFRESH_AFTER * ttl;
    await online.lookup('availability', 'window', load);
    await sleep(10);
    now += ttl / 2;
    const afterRefresh = await online.lookup('availability', 'window', load);
    assert.equal(calls, 2);
    assert.equal(afterRefresh.source, 'cache');
    assert.equal(afterRefresh.value, first, 'the same object, past the first time-to-live');

    itineraries = ['12'];
    now += REFRESH_AFTER * ttl;
    await online.lookup('availability', 'window', load);
    await sleep(10);
    const changed = await online.lookup('availability', 'window', load);
    assert.equal(calls, 3);
    assert.notEqual(changed.value, first);
    assert.deepEqual(changed.value, ['12']);
  });

  it('lets a value nobody reads expire: no refresh without a read', async () => {
    let now = 1_000_000;
    const online = new OnlineFeatures(new MemoryFeatureCache(100, () => now), 1000, createApiMetrics(), quietLog);
    const store = slowStore('v', 1);
    await online.lookup('price', 'k', store.load);
    now += FEATURE_TTL_MS.price;
    await sleep(10);
    assert.equal(store.calls, 1);
    assert.equal((await online.lookup('price', 'k', store.load)).source, 'store', 'expired: a miss');
    assert.equal(store.calls, 2);
  });

  it('keeps serving the cached value until it expires when its refresh fails, asking the store at most once a second', async () => {
    let now = 1_000_000;
    const metrics = createApiMetrics();
    const online = new OnlineFeatures(new MemoryFeatureCache(100, () => now), 1000, metrics, quietLog);
    let calls = 0;
    let down = false;
    const load = async () => {
      calls++;
      if (down) throw new Error('ClickHouse is down');
      return 'cached';
    };
    await online.lookup('price', 'k', load);
    down = true;
    now += REFRESH_AFTER * FEATURE_TTL_MS.price;
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(await online.lookup('price', 'k', load), { value: 'cached', source: 'cache' });
      await sleep(2);
    }
    assert.equal(calls, 2, 'one failed refresh, not one per read');
    assert.equal(metrics.featureRefreshes.value({ kind: 'price', outcome: 'failed' }), 1);
    now += 1000;
    await online.lookup('price', 'k', load);
    await sleep(2);
    assert.equal(calls, 3, 'tried again a second later');
    now += FEATURE_TTL_MS.price;
    assert.equal((await online.lookup('price', 'k', load)).source, 'default', 'expired, store down: the default');
  });

  it('answers "default" when the store fails, and caches nothing', async () => {
    const online = new OnlineFeatures(new MemoryFeatureCache(), 1000, createApiMetrics(), quietLog);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('ClickHouse is down');
    };
    const first = await online.lookup('price', 'x', failing);
    const second = await online.lookup('price', 'x', failing);
    assert.deepEqual([first.source, second.source], ['default', 'default']);
    assert.equal(calls, 2);
  });
});

const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);

describe('online features on Redis', { skip: redisSkip }, () => {
  let redis: Redis;
  const prefix = `spirit:test:${process.pid}:${Date.now()}:`;
  before(async () => {
    redis = new Redis(MACHINE_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('forgets an erased customer on every replica: the next lookup on either asks the store', async () => {
    const first = new OnlineFeatures(new RedisFeatureCache(redis, prefix), 1000, createApiMetrics(), quietLog);
    const second = new OnlineFeatures(new RedisFeatureCache(redis, prefix), 1000, createApiMetrics(), quietLog);
    const store = slowStore({ age: 53 }, 5);
    assert.equal((await first.lookup('profile', customerFeaturesKey(7), store.load)).source, 'store');
    assert.equal((await second.lookup('profile', customerFeaturesKey(7), store.load)).source, 'cache');
    await forgetCustomer(first, 7);
    assert.equal(await redis.exists(`${prefix}v2:profile:${customerFeaturesKey(7)}`), 0);
    assert.equal((await first.lookup('profile', customerFeaturesKey(7), store.load)).source, 'store');
    assert.equal(store.calls, 2);
  });

  it('shares values between two API processes (two caches on one Redis) and expires them', async () => {
    const first = new OnlineFeatures(new RedisFeatureCache(redis, prefix), 1000, createApiMetrics(), quietLog);
    const second = new OnlineFeatures(new RedisFeatureCache(redis, prefix), 1000, createApiMetrics(), quietLog);
    const store = slowStore({ loadFactor: 0.5 }, 5);
    assert.equal((await first.lookup('availability', 'dep-1', store.load)).source, 'store');
    const shared = await second.lookup('availability', 'dep-1', store.load);
    assert.deepEqual([shared.source, shared.value], ['cache', { loadFactor: 0.5 }]);
    assert.equal(store.calls, 1);
    const ttl = await redis.pttl(`${prefix}v2:availability:dep-1`);
    assert.ok(ttl > 0 && ttl <= FEATURE_TTL_MS.availability, `ttl ${ttl}`);
    const cache = new RedisFeatureCache(redis, prefix);
    const before = Date.now();
    await cache.set('refreshed', 'x', 60_000);
    const entry = await cache.get('refreshed');
    assert.equal(entry?.value, 'x');
    assert.ok(entry && entry.refreshAfter >= before + REFRESH_AFTER * 60_000 && entry.refreshAfter <= Date.now() + REFRESH_AFTER * 60_000, 'due for a refresh after the same share of its time-to-live as in memory');
    await cache.set('short', 1, 50);
    await sleep(120);
    assert.equal(await cache.get('short'), undefined);
  });

  it('serves what it read from Redis from this process for nearMs without asking Redis again, never past the time-to-live', async () => {
    const writer = new RedisFeatureCache(redis, prefix, 300);
    const reader = new RedisFeatureCache(redis, prefix, 300);
    await writer.set('near', { seats: 4 }, 60_000);
    assert.deepEqual((await reader.get('near'))?.value, { seats: 4 }, 'read from Redis');
    await redis.del(`${prefix}v2:near`);
    assert.deepEqual((await reader.get('near'))?.value, { seats: 4 }, 'served from this process: Redis was not asked');
    await sleep(350);
    assert.equal(await reader.get('near'), undefined, 'after nearMs Redis is asked again, and it no longer has the key');
    await writer.set('brief', 1, 100);
    assert.equal((await reader.get('brief'))?.value, 1);
    await sleep(150);
    assert.equal(await reader.get('brief'), undefined, 'not served past its 100 ms time-to-live although nearMs is 300');
  });

  it('treats an unreachable Redis as a miss, not a failure', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => undefined);
    const online = new OnlineFeatures(new RedisFeatureCache(dead, prefix), 1000, createApiMetrics(), quietLog);
    const answer = await online.lookup('price', 'x', async () => 3);
    assert.deepEqual([answer.source, answer.value], ['store', 3]);
    dead.disconnect();
  });
});

const ownRedis = await startOwnRedis();

describe('online features while Redis is away', { skip: ownRedis.skipReason }, () => {
  after(() => ownRedis.stop());

  it('keeps values in memory at once instead of waiting on the connection, and goes back to Redis when it returns (found by the soak)', async () => {
    const prefix = `spirit:test:away:${process.pid}:`;
    // As the API opens it (serving/app.ts), with a command timeout long enough that waiting on it would show.
    const redis = new Redis(ownRedis.url!, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 3000, enableOfflineQueue: true, retryStrategy: () => 100 });
    redis.on('error', () => undefined);
    await redis.connect();
    try {
      const cache = new RedisFeatureCache(redis, prefix);
      const store = slowStore({ loadFactor: 0.7 }, 5);
      const online = new OnlineFeatures(cache, 1000, createApiMetrics(), quietLog);
      await ownRedis.kill();
      for (let i = 0; i < 50 && redis.status === 'ready'; i++) await sleep(20);
      const started = performance.now();
      assert.equal((await online.lookup('availability', 'dep-away', store.load)).source, 'store');
      const again = await online.lookup('availability', 'dep-away', store.load);
      const tookMs = performance.now() - started;
      assert.deepEqual([again.source, again.value], ['cache', { loadFactor: 0.7 }], 'the second lookup is served from memory, the store is not asked again');
      assert.equal(store.calls, 1);
      assert.ok(tookMs < 1500, `two lookups took ${tookMs.toFixed(0)} ms: they waited on the 3,000 ms command timeout`);

      await ownRedis.restart();
      for (let i = 0; i < 100 && redis.status !== 'ready'; i++) await sleep(50);
      assert.equal(redis.status, 'ready');
      await online.lookup('availability', 'dep-back', store.load);
      assert.ok(await redis.get(`${prefix}v2:availability:dep-back`), 'a value fetched after the return is shared through Redis again');
    } finally {
      redis.disconnect();
    }
  });
});
