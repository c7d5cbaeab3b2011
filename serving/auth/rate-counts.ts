import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/log.ts';

export interface Count {
  /** Hits in the current window, this one included. */
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

/** INCR with the window's expiry set by the first hit; one round trip. */
const INCREMENT = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}
`;

interface Window {
  current: number;
  endsAt: number;
}

/** Most buckets counted in process; beyond it the ended windows go first (a flood of addresses must not grow memory). */
const MAX_LOCAL_BUCKETS = 100_000;

/**
 * Fixed-window counts per bucket (a credential, a client address). With Redis they are shared by every API
 * replica; while Redis fails, counting goes on in this process, so a limit still holds (per replica) instead of
 * lapsing. Redis is asked again on the next hit, and counts continue there when it is back.
 */
export class RateCounts {
  private readonly local = new Map<string, Window>();
  private redisFailing = false;

  constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** Adds a hit to the bucket's window. Without Redis this answers at once (no promise on the request path). */
  hit(bucket: string, windowMs: number): Count | Promise<Count> {
    // While the connection is down a command would wait for reconnection attempts: count here at once instead.
    if (!this.redis || this.redis.status !== 'ready') {
      if (this.redis) this.redisFailed(new Error(`connection ${this.redis.status}`));
      return this.hitLocally(bucket, windowMs);
    }
    return (this.redis.eval(INCREMENT, 1, this.prefix + bucket, windowMs) as Promise<[number, number]>).then(
      ([current, ttl]) => {
        this.redisAnswered();
        return { current, ttl };
      },
      (err: Error) => {
        this.redisFailed(err);
        return this.hitLocally(bucket, windowMs);
      },
    );
  }

  /** The bucket's count without adding a hit. */
  async read(bucket: string): Promise<Count> {
    if (this.redis && this.redis.status === 'ready') {
      try {
        const [current, ttl] = (await this.redis.multi().get(this.prefix + bucket).pttl(this.prefix + bucket).exec()) ?? [];
        this.redisAnswered();
        return { current: Number(current?.[1] ?? 0), ttl: Math.max(0, Number(ttl?.[1] ?? 0)) };
      } catch (err) {
        this.redisFailed(err as Error);
      }
    }
    const window = this.local.get(bucket);
    const now = Date.now();
    if (!window || window.endsAt <= now) return { current: 0, ttl: 0 };
    return { current: window.current, ttl: window.endsAt - now };
  }

  private redisAnswered(): void {
    if (!this.redisFailing) return;
    this.redisFailing = false;
    this.log.info('rate limits are counted in Redis again');
  }

  private redisFailed(err: Error): void {
    if (this.redisFailing) return;
    this.redisFailing = true;
    this.log.warn('Redis does not answer: rate limits are counted in this process until it does', { error: err.message });
  }

  private hitLocally(bucket: string, windowMs: number): Count {
    const now = Date.now();
    let window = this.local.get(bucket);
    if (!window || window.endsAt <= now) {
      if (this.local.size >= MAX_LOCAL_BUCKETS) this.sweep(now);
      window = { current: 0, endsAt: now + windowMs };
      this.local.set(bucket, window);
    }
    window.current++;
    return { current: window.current, ttl: window.endsAt - now };
  }

  private sweep(now: number): void {
    for (const [bucket, window] of this.local) if (window.endsAt <= now) this.local.delete(bucket);
    if (this.local.size >= MAX_LOCAL_BUCKETS) this.local.clear();
  }
}
