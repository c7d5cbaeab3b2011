import type { Redis } from 'ioredis';
import { refreshDueAt, type CachedFeature, type FeatureCache } from './feature-cache.ts';
import { MemoryFeatureCache } from './memory-cache.ts';

/** What Redis holds per key: the cached feature and when it expires (entries written before it was kept lack it). */
interface StoredFeature extends CachedFeature {
  readonly expiresAt?: number;
}

/**
 * How long this process serves a value it read from or wrote to Redis before asking Redis again. At 2,000
 * requests/s each request's few feature lookups were each a round trip and a JSON parse: the soak measured the API's
 * thread 95% busy with Redis up and 66% with it down (served from memory). Two seconds keep that cost to one read
 * per key per replica every two seconds, and a value refreshed by another replica reaches this one within them.
 */
export const NEAR_MS = 2000;

/** Most keys this process keeps (the oldest kept go first). */
const MAX_NEAR_ENTRIES = 50_000;

/**
 * The shared cache when REDIS_URL is set: one JSON value per key with its time-to-live in Redis (SET … PX), so
 * every API replica sees what one of them fetched. A Redis error is a miss, never a failed request: the caller
 * then asks ClickHouse (within its timeout) or uses the defaults.
 *
 * In front of Redis, each process keeps what it read or wrote for `nearMs` (never past the value's time-to-live).
 * While the connection is not ready (Redis away, reconnecting), values are kept in this process for their whole
 * time-to-live, at once: a command sent then would wait in the client's offline queue for the command timeout, on
 * every lookup of every request (the soak measured p50 110 ms at 1,000 requests/s with Redis down). Once the
 * connection is ready again, Redis is used again and refills as keys are read.
 *
 * Each key holds `{ refreshAfter, expiresAt, value }` (milliseconds since the epoch: replicas' clocks only need to
 * agree to within a fraction of a time-to-live). The keys live under `v2:`: a value written by an API version that
 * stored the bare value is not misread, it simply misses.
 */
export class RedisFeatureCache implements FeatureCache {
  readonly kind = 'redis' as const;
  private readonly prefix: string;
  /** What this process serves without asking Redis, each entry until its own time. */
  private readonly near = new MemoryFeatureCache(MAX_NEAR_ENTRIES, () => this.now());

  constructor(
    private readonly redis: Redis,
    prefix = 'spirit:features:',
    private readonly nearMs = NEAR_MS,
  ) {
    this.prefix = `${prefix}v2:`;
  }

  now(): number {
    return Date.now();
  }

  private away(): boolean {
    return this.redis.status !== 'ready';
  }

  async get(key: string): Promise<CachedFeature | undefined> {
    const kept = this.near.lookup(key);
    if (kept) return kept;
    if (this.away()) return undefined;
    try {
      const text = await this.redis.get(this.prefix + key);
      if (text === null) return undefined;
      const entry = JSON.parse(text) as StoredFeature;
      // An entry without its expiry is kept no later than its refresh time, which comes before its expiry.
      this.near.keep(key, entry, Math.min(this.now() + this.nearMs, entry.expiresAt ?? entry.refreshAfter));
      return entry;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const now = this.now();
    const entry: StoredFeature = { refreshAfter: refreshDueAt(now, ttlMs), expiresAt: now + ttlMs, value };
    if (this.away()) return this.near.keep(key, entry, now + ttlMs);
    this.near.keep(key, entry, now + Math.min(this.nearMs, ttlMs));
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(entry), 'PX', Math.max(1, Math.round(ttlMs)));
    } catch {
      // Not shared this time; kept here so this process does not ask the store again.
      this.near.keep(key, entry, now + ttlMs);
    }
  }

  /** From Redis and this process; another replica's near copy lasts its few seconds at most. */
  async forget(key: string): Promise<void> {
    await this.near.forget(key);
    await this.redis.del(this.prefix + key);
  }

  /** The connection belongs to the app, which closes it. */
  async close(): Promise<void> {}
}
