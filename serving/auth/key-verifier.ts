import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { PgListener } from '../../platform/pg-listener.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import { findActiveApiKey, findActiveApiKeyById, hashKey, KEYS_CHANNEL, looksLikeApiKey, type VerifiedKey } from './api-keys.ts';

interface Verdict {
  /** The key, or undefined when it is unknown or revoked (a negative verdict is cached too). */
  key: VerifiedKey | undefined;
  /** Until then the verdict is answered without asking PostgreSQL. */
  freshUntil: number;
  /** Until then a positive verdict still answers while PostgreSQL cannot be asked. */
  usableUntil: number;
}

export interface KeyVerifierOptions {
  /** How long a verdict is trusted without asking PostgreSQL again (revocation clears it at once). */
  cacheMs: number;
  /** How long an already-verified key keeps working while PostgreSQL is unreachable. */
  outageGraceMs: number;
  /** Most verdicts kept per kind; unknown credentials must not grow memory without bound. */
  maxEntries?: number;
  /** Counts the lookups that reached PostgreSQL (what a flood of unknown keys costs). */
  onLookup?: () => void;
}

/**
 * Checks API keys (by the key) and the keys behind bearer tokens (by id) against PostgreSQL, with a short-lived
 * cache in front: a busy caller costs one query per `cacheMs`, and an unknown key or id asked again is answered
 * from a negative verdict. The verdict by id is also where a token gets its role: a token's own claims are
 * never trusted for it.
 *
 * Revocation and creation do not wait for the cache to expire: both NOTIFY, this process LISTENs on a dedicated
 * connection and marks every verdict stale when told. While that connection is lost every verdict is stale, so
 * each is checked again as soon as PostgreSQL answers.
 *
 * While PostgreSQL cannot be asked, a key verified within `outageGraceMs` keeps working (routes that need no
 * database go on serving); a credential never verified gets a 503 with Retry-After, never a 500.
 */
export class ApiKeyVerifier {
  private readonly byHash = new Map<string, Verdict>();
  private readonly byId = new Map<string, Verdict>();
  private readonly pending = new Map<string, Promise<VerifiedKey | undefined>>();
  /**
   * Counts invalidations. A lookup that was already running when one came may have read the key before it was
   * revoked: its answer goes back to the requests that were waiting for it, but it is not cached.
   */
  private generation = 0;
  private readonly listener: PgListener;
  private readonly maxEntries: number;

  constructor(
    private readonly pool: pg.Pool,
    log: Logger,
    private readonly options: KeyVerifierOptions,
  ) {
    this.maxEntries = options.maxEntries ?? 50_000;
    this.listener = new PgListener(pool, KEYS_CHANNEL, log, {
      // The payload is the key id: a revoked key is forgotten outright, so no outage grace keeps it working.
      notified: (id) => {
        this.forget(id);
        this.invalidate();
      },
      // Anything changed while nobody listened must be checked again; meanwhile verdicts stay usable in an outage.
      connected: () => this.invalidate(),
      lost: () => this.invalidate(),
    });
  }

  /** The key's identity and role, or undefined when the key is unknown or revoked. */
  async verify(key: string): Promise<VerifiedKey | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const hash = hashKey(key);
    return this.lookup(this.byHash, hash, `hash:${hash}`, () => findActiveApiKey(this.pool, key));
  }

  /** The active key with this id (the subject of a bearer token), or undefined. */
  async keyById(id: string): Promise<VerifiedKey | undefined> {
    return this.lookup(this.byId, id, `id:${id}`, () => findActiveApiKeyById(this.pool, id));
  }

  /**
   * Whether this key was found valid before (and not revoked since): a client refused for too many failed
   * attempts may still use it, since checking it again costs one lookup per key, not one per guess.
   */
  vouchedFor(key: string): boolean {
    if (!looksLikeApiKey(key)) return false;
    const verdict = this.byHash.get(hashKey(key));
    return verdict?.key !== undefined && verdict.usableUntil > Date.now();
  }

  vouchedForId(id: string): boolean {
    const verdict = this.byId.get(id);
    return verdict?.key !== undefined && verdict.usableUntil > Date.now();
  }

  private async lookup(cache: Map<string, Verdict>, cacheKey: string, flight: string, query: () => Promise<VerifiedKey | undefined>): Promise<VerifiedKey | undefined> {
    const now = Date.now();
    const verdict = cache.get(cacheKey);
    if (verdict && verdict.freshUntil > now) return verdict.key;
    let found: VerifiedKey | undefined;
    const generation = this.generation;
    try {
      found = await this.once(flight, query);
    } catch (err) {
      if (verdict?.key && verdict.usableUntil > Date.now()) return verdict.key;
      throw new StoreUnavailableError('credentials cannot be checked right now (the booking database does not answer); retry shortly', err as Error);
    }
    if (this.options.cacheMs > 0 && generation === this.generation) {
      if (cache.size >= this.maxEntries) this.evictStale(cache);
      const at = Date.now();
      cache.set(cacheKey, { key: found, freshUntil: at + this.options.cacheMs, usableUntil: found ? at + this.options.outageGraceMs : 0 });
    }
    return found;
  }

  /** Drops the negative and expired verdicts first; if that frees nothing, starts over. */
  private evictStale(cache: Map<string, Verdict>): void {
    const now = Date.now();
    for (const [k, v] of cache) if (!v.key || v.usableUntil <= now) cache.delete(k);
    if (cache.size >= this.maxEntries) cache.clear();
  }

  /** Concurrent first requests with one credential share a single query. */
  private once(flight: string, query: () => Promise<VerifiedKey | undefined>): Promise<VerifiedKey | undefined> {
    let lookup = this.pending.get(flight);
    if (!lookup) {
      this.options.onLookup?.();
      const started: Promise<VerifiedKey | undefined> = query().finally(() => {
        if (this.pending.get(flight) === started) this.pending.delete(flight);
      });
      this.pending.set(flight, started);
      lookup = started;
    }
    return lookup;
  }

  /**
   * Every verdict must be checked again before it is trusted (a key was created or revoked somewhere). Positive
   * verdicts stay usable for the outage grace, so losing PostgreSQL right after this does not lock callers out.
   */
  invalidate(): void {
    this.generation++;
    // Lookups already running may have read what just changed: later requests start their own.
    this.pending.clear();
    for (const cache of [this.byHash, this.byId]) {
      for (const [k, v] of cache) {
        if (v.key) v.freshUntil = 0;
        else cache.delete(k);
      }
    }
  }

  /** Forgets a key at once, even for the outage grace: it was revoked through this process. */
  forget(id: string): void {
    for (const cache of [this.byHash, this.byId]) for (const [k, v] of cache) if (v.key?.id === id) cache.delete(k);
  }

  /** Starts listening for revocations; failures are logged and retried, never fatal (the cache expiry still bounds staleness). */
  async listen(): Promise<void> {
    if (this.options.cacheMs === 0) return;
    await this.listener.start();
  }

  async close(): Promise<void> {
    await this.listener.close();
  }
}
