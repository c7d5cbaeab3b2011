/**
 * Where online features are cached between requests: this process's memory by default, Redis when REDIS_URL is
 * set (shared by every API replica, so a value fetched by one serves all). Values are JSON-safe.
 */
export interface FeatureCache {
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * How long each kind of online feature may be served from the cache: seat availability changes by the minute,
 * price inputs (popularity, pace, demand signals) move over hours, a customer's profile over days.
 */
export const FEATURE_TTL_MS = {
  availability: 5 * 60_000,
  price: 15 * 60_000,
  demand: 15 * 60_000,
  report: 15 * 60_000,
  catalogue: 60 * 60_000,
  profile: 24 * 60 * 60_000,
} as const;

export type FeatureKind = keyof typeof FEATURE_TTL_MS;
