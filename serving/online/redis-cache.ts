import type { Redis } from 'ioredis';
import type { FeatureCache } from './feature-cache.ts';

/**
 * The shared cache when REDIS_URL is set: one JSON value per key with its time-to-live in Redis (SET … PX), so
 * every API replica sees what one of them fetched. A Redis error is a miss, never a failed request: the caller
 * then asks ClickHouse (within its timeout) or uses the defaults.
 */
export class RedisFeatureCache implements FeatureCache {
  readonly kind = 'redis' as const;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'spirit:features:',
  ) {}

  async get(key: string): Promise<unknown> {
    try {
      const text = await this.redis.get(this.prefix + key);
      return text === null ? undefined : JSON.parse(text);
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    try {
      await this.redis.set(this.prefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(ttlMs)));
    } catch {
      // The value is simply not shared this time.
    }
  }

  /** The connection belongs to the app, which closes it. */
  async close(): Promise<void> {}
}
