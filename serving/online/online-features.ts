import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../platform/log.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import { FEATURE_TTL_MS, type FeatureCache, type FeatureKind } from './feature-cache.ts';

/** How long after a failed refresh a key's store is asked again (its cached value serves meanwhile). */
const REFRESH_RETRY_MS = 1000;

export type Lookup<T> = { value: T; source: 'cache' | 'store' } | { value: undefined; source: 'default'; reason: 'timeout' | 'error' };

/**
 * Online features: a value comes from the cache when it is there, else from its store (ClickHouse), but a
 * request never waits on the store longer than `timeoutMs`. A lookup that times out answers "use the default"
 * while the store query goes on in the background and fills the cache for the next request; concurrent misses
 * of one key share that query, so a cold cache under load costs one query per key, not one per request.
 * A cached value read in the last part of its time-to-live (feature-cache.ts, REFRESH_AFTER) is answered as it is
 * while the same shared query fetches its successor, so a key in use does not go cold.
 */
export class OnlineFeatures {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Keys whose refresh failed, and when to try again: a store that is down is not asked again on every read. */
  private readonly refreshRetryAt = new Map<string, number>();
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

  /** Drops a cached value, so the next lookup asks the store. */
  forget(kind: FeatureKind, key: string): Promise<void> {
    return this.cache.forget(`${kind}:${key}`);
  }

  /** `budgetMs` (default the configured timeout) is how long this caller can still wait for the store. */
  async lookup<T>(kind: FeatureKind, key: string, load: () => Promise<T>, budgetMs = this.timeoutMs): Promise<Lookup<T>> {
    const cacheKey = `${kind}:${key}`;
    const cached = await this.cache.get(cacheKey);
    if (cached !== undefined) {
      if (cached.refreshAfter <= this.cache.now()) this.refresh(kind, cacheKey, load, cached.value as T);
      this.metrics.featureLookups.inc({ kind, source: 'cache' });
      return { value: cached.value as T, source: 'cache' };
    }
    let pending = this.inFlight.get(cacheKey) as Promise<T> | undefined;
    if (!pending) {
      if (this.queue.length >= this.maxQueuedLoads) return this.defaulted(kind, 'error');
      pending = this.fetch(kind, cacheKey, load);
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

  /**
   * One store query for a key, shared by whoever asks while it runs; its value goes into the cache. A refresh that
   * brings back what is cached keeps the cached object itself, so whatever was derived from it and is remembered by
   * identity (recommendations' remembered answers, availability sets and snapshot ids) stays valid, rather than
   * every hot key's answers being computed again in the same instant after each refresh.
   */
  private fetch<T>(kind: FeatureKind, cacheKey: string, load: () => Promise<T>, cachedValue?: T): Promise<T> {
    const pending = this.limited(load).then(async (loaded) => {
      const value = cachedValue !== undefined && isDeepStrictEqual(loaded, cachedValue) ? cachedValue : loaded;
      // Nothing to keep: a later lookup asks the store again, as it did before this one.
      if (value !== undefined) await this.cache.set(cacheKey, value, FEATURE_TTL_MS[kind]);
      return value;
    });
    this.inFlight.set(cacheKey, pending);
    void pending
      .catch((err) => this.reportError(kind, err as Error))
      .finally(() => this.inFlight.delete(cacheKey));
    return pending;
  }

  /**
   * Fetches a cached value's successor in the background (the caller is answered from the cache meanwhile). Once per
   * key at a time; after a failure, not again for a second, while the cached value serves until it expires.
   */
  private refresh<T>(kind: FeatureKind, cacheKey: string, load: () => Promise<T>, cachedValue: T): void {
    if (this.inFlight.has(cacheKey) || this.queue.length >= this.maxQueuedLoads) return;
    const retryAt = this.refreshRetryAt.get(cacheKey);
    if (retryAt !== undefined && retryAt > this.cache.now()) return;
    this.fetch(kind, cacheKey, load, cachedValue).then(
      () => {
        this.refreshRetryAt.delete(cacheKey);
        this.metrics.featureRefreshes.inc({ kind, outcome: 'refreshed' });
      },
      () => {
        // Only keys whose last refresh failed are kept here (until one succeeds); a store down for long cannot grow it without bound.
        if (this.refreshRetryAt.size >= 10_000) this.refreshRetryAt.clear();
        this.refreshRetryAt.set(cacheKey, this.cache.now() + REFRESH_RETRY_MS);
        this.metrics.featureRefreshes.inc({ kind, outcome: 'failed' });
      },
    );
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
