import type { FeatureCache } from './feature-cache.ts';

/**
 * The in-process cache: a Map with an expiry per entry and a bound on entries (the oldest inserted go first,
 * which for TTL'd values is close to the soonest to expire). `now` is injectable so tests can move time.
 */
export class MemoryFeatureCache implements FeatureCache {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, { value: unknown; until: number }>();

  constructor(
    private readonly maxEntries = 200_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string): Promise<unknown> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: this.now() + ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    this.entries.clear();
  }
}
