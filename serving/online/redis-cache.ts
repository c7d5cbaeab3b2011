import type { Redis } from 'ioredis';
import { refreshDueAt, type CachedFeature, type FeatureCache } from './feature-cache.ts';

/**
 * The shared cache when REDIS_URL is set: one JSON value per key with its time-to-live in Redis (SET … PX), so
 * every API replica sees what one of them fetched. A Redis error is a miss, never a failed request: the caller
 * then asks ClickHouse (within its timeout) or uses the defaults.
 *
 * Each key holds `{ refreshAfter, value }` (milliseconds since the epoch: replicas' clocks only need to agree to
 * within a fraction of a time-to-live). The keys live under `v2:`: a value written by an API version that stored
 * the bare value is not misread, it simply misses.
 */
export class RedisFeatureCache implements FeatureCache {
  readonly kind = 'redis' as const;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    prefix = 'spirit:features:',
  ) {
    this.prefix = `${prefix}v2:`;
  }

  now(): number {
    return Date.now();
  }

  async get(key: string): Promise<CachedFeature | undefined> {
    try {
      const text = await this.redis.get(this.prefix + key);
      return text === null ? undefined : (JSON.parse(text) as CachedFeature);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      const entry: CachedFeature = { refreshAfter: refreshDueAt(this.now(), ttlMs), value };
      await this.redis.set(this.prefix + key, JSON.stringify(entry), 'PX', Math.max(1, Math.round(ttlMs)));
    } catch {
      // The value is simply not shared this time.
    }
  }

  /** The connection belongs to the app, which closes it. */
  async close(): Promise<void> {}
}
