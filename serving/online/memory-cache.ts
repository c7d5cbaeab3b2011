import { refreshDueAt, type CachedFeature, type FeatureCache } from './feature-cache.ts';

interface Entry extends CachedFeature {
  readonly expiresAt: number;
}

/** Entries looked at for expiry on each write. */
const SWEEP_PER_WRITE = 2;

/**
 * The in-process cache: a Map with an expiry per entry and a bound on entries (the oldest inserted go first,
 * which for TTL'd values is close to the soonest to expire). A hit hands back the stored entry itself: nothing is
 * allocated per lookup. An expired entry goes when it is read, or when a sweep of a few entries per write reaches
 * it: keys never asked for again (a window of dates asked once) would otherwise stay until the bound pushed them
 * out, so memory would follow every key ever asked rather than what is live. `now` is injectable so tests can move time.
 */
export class MemoryFeatureCache implements FeatureCache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private sweep: IterableIterator<[string, Entry]> | undefined;

  constructor(
    private readonly maxEntries = 200_000,
    readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<CachedFeature | undefined> {
    return this.lookup(key);
  }

  /** `get` without a promise, for a cache that keeps this one in front of a remote one. */
  lookup(key: string): CachedFeature | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    const now = this.now();
    this.keep(key, { value, refreshAfter: refreshDueAt(now, ttlMs) }, now + ttlMs);
  }

  async forget(key: string): Promise<void> {
    this.entries.delete(key);
  }

  /** Keeps an entry made elsewhere (its own refresh time) until `until`, on this cache's clock. */
  keep(key: string, entry: CachedFeature, until: number): void {
    this.sweepSome();
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value: entry.value, refreshAfter: entry.refreshAfter, expiresAt: until });
  }

  /** Moves the sweep on by a few entries, deleting the expired ones; a Map's iterator survives deletions. */
  private sweepSome(): void {
    const now = this.now();
    for (let i = 0; i < SWEEP_PER_WRITE; i++) {
      this.sweep ??= this.entries.entries();
      const next = this.sweep.next();
      if (next.done) {
        this.sweep = undefined;
        return;
      }
      if (next.value[1].expiresAt <= now) this.entries.delete(next.value[0]);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
    this.sweep = undefined;
  }
}
