import type { Logger } from '../../platform/log.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { FEATURE_TTL_MS, type FeatureCache, type FeatureKind } from './feature-cache.ts';

export type Lookup<T> = { value: T; source: 'cache' | 'store' } | { value: undefined; source: 'default'; reason: 'timeout' | 'error' };

/**
 * Online features: a value comes from the cache when it is there, else from its store (ClickHouse), but a
 * request never waits on the store longer than `timeoutMs`. A lookup that times out answers "use the default"
 * while the store query goes on in the background and fills the cache for the next request; concurrent misses
 * of one key share that query, so a cold cache under load costs one query per key, not one per request.
 */
export class OnlineFeatures {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly queue: Array<() => void> = [];
  private running = 0;
  private lastErrorLog = 0;

  constructor(
    readonly cache: FeatureCache,
    private readonly timeoutMs: number,
    private readonly metrics: ApiMetrics,
    private readonly log: Logger,
    /** Store queries running at once; a cold batch of 500 quotations must not start 500 ClickHouse queries. */
    private readonly maxConcurrentLoads = 8,
    /** Store queries allowed to wait; beyond this a miss is defaulted at once (the store is already behind). */
    private readonly maxQueuedLoads = 2000,
  ) {}

  /** `budgetMs` (default the configured timeout) is how long this caller can still wait for the store. */
  async lookup<T>(kind: FeatureKind, key: string, load: () => Promise<T>, budgetMs = this.timeoutMs): Promise<Lookup<T>> {
    const cacheKey = `${kind}:${key}`;
    const cached = await this.cache.get(cacheKey);
    if (cached !== undefined) {
      this.metrics.featureLookups.inc({ kind, source: 'cache' });
      return { value: cached as T, source: 'cache' };
    }
    let pending = this.inFlight.get(cacheKey) as Promise<T> | undefined;
    if (!pending) {
      if (this.queue.length >= this.maxQueuedLoads) return this.defaulted(kind, 'error');
      pending = this.limited(load).then(async (value) => {
        await this.cache.set(cacheKey, value, FEATURE_TTL_MS[kind]);
        return value;
      });
      this.inFlight.set(cacheKey, pending);
      void pending
        .catch((err) => this.reportError(kind, err as Error))
        .finally(() => this.inFlight.delete(cacheKey));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(1, budgetMs));
    });
    try {
      const outcome = await Promise.race([pending.then((value) => ({ value })), timeout]);
      if (outcome === 'timeout') return this.defaulted(kind, 'timeout');
      this.metrics.featureLookups.inc({ kind, source: 'store' });
      return { value: outcome.value, source: 'store' };
    } catch {
      return this.defaulted(kind, 'error');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `load` when fewer than maxConcurrentLoads are running, else when a running one hands over its slot. */
  private async limited<T>(load: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrentLoads) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.running++;
    try {
      return await load();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    }
  }

  private defaulted(kind: FeatureKind, reason: 'timeout' | 'error'): Lookup<never> {
    this.metrics.featureLookups.inc({ kind, source: 'default' });
    return { value: undefined, source: 'default', reason };
  }

  /** A store that is down would log on every request; once every 10 s is enough to see it. */
  private reportError(kind: FeatureKind, err: Error): void {
    const now = Date.now();
    if (now - this.lastErrorLog < 10_000) return;
    this.lastErrorLog = now;
    this.log.warn('online feature lookup failed; defaults are served', { kind, error: err.message });
  }
}
