import { PRICE_LOOKUP_TTL_MS } from '../../features/price-feature-definitions.ts';

/**
 * Where online features are cached between requests: this process's memory by default, Redis when REDIS_URL is
 * set (shared by every API replica, so a value fetched by one serves all). Values are JSON-safe.
 */
export interface FeatureCache {
  readonly kind: 'memory' | 'redis';
  /** The value under `key` while it has not expired. */
  get(key: string): Promise<CachedFeature | undefined>;
  /** Keeps `value` for `ttlMs`; it is due for a refresh once REFRESH_AFTER of that has passed. */
  set(key: string, value: unknown, ttlMs: number): Promise<void>;
  /** Drops the value under `key` (a customer erased: nothing of theirs may be served from here again). */
  forget(key: string): Promise<void>;
  /** The clock entries are kept by (milliseconds; injectable in the memory cache so tests can move time). */
  now(): number;
  close(): Promise<void>;
}

export interface CachedFeature {
  readonly value: unknown;
  /** From this time (the cache's clock) a lookup that reads the value also fetches a new one, in the background. */
  readonly refreshAfter: number;
}

/**
 * Refresh ahead: a value read in the last fifth of its time-to-live is fetched again in the background while the
 * cached one is answered. Under traffic a key in use therefore never expires — without it every hot key went cold
 * at once at the end of its time-to-live, and for a couple of seconds requests waited on the feature timeout while
 * the store refilled them. A value is still never served past its time-to-live: a key nobody reads expires.
 */
export const REFRESH_AFTER = 0.8;

/** When a value stored at `storedAt` for `ttlMs` is due for a refresh (both caches keep it by this rule). */
export function refreshDueAt(storedAt: number, ttlMs: number): number {
  return storedAt + REFRESH_AFTER * ttlMs;
}

/**
 * How long each kind of online feature may be served from the cache: seat availability changes by the minute,
 * price inputs (popularity, pace, demand signals) move over hours — the price features' own definitions say how
 * long — a customer's profile over days.
 */
export const FEATURE_TTL_MS = {
  availability: 5 * 60_000,
  price: PRICE_LOOKUP_TTL_MS,
  demand: 15 * 60_000,
  report: 15 * 60_000,
  catalogue: 60 * 60_000,
  profile: 24 * 60 * 60_000,
} as const;

export type FeatureKind = keyof typeof FEATURE_TTL_MS;
