import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { PgListener } from '../../platform/pg-listener.ts';
import { findActiveApiKey, hashKey, isApiKeyActive, KEYS_CHANNEL, looksLikeApiKey, type VerifiedKey } from './api-keys.ts';

interface Cached<T> {
  value: T;
  until: number;
}

/**
 * Checks API keys against PostgreSQL with a short-lived cache in front, so a busy caller costs one query per
 * `cacheMs`, not one per request. It also answers whether the key behind a bearer token is still active, so a
 * revoked key's tokens stop working with it instead of living to their expiry.
 *
 * Revocation does not wait for the cache to expire: `revokeApiKey` NOTIFYs, this process LISTENs on a dedicated
 * connection and drops every cached verdict when told. If that connection is lost, the cache expiry is the bound
 * until it is back.
 */
export class ApiKeyVerifier {
  /** By the key's hash, so no key is kept in clear longer than its request. */
  private readonly keys = new Map<string, Cached<VerifiedKey>>();
  /** By key id: whether tokens issued for that key may still be used. */
  private readonly activeIds = new Map<string, Cached<boolean>>();
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly listener: PgListener;

  constructor(
    private readonly pool: pg.Pool,
    log: Logger,
    private readonly cacheMs: number,
  ) {
    this.listener = new PgListener(pool, KEYS_CHANNEL, log, {
      notified: () => this.invalidate(),
      // Anything revoked while nobody listened is forgotten now.
      connected: () => this.invalidate(),
      lost: () => this.invalidate(),
    });
  }

  async verify(key: string): Promise<VerifiedKey | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const hash = hashKey(key);
    const cached = this.keys.get(hash);
    if (cached && cached.until > Date.now()) return cached.value;
    const found = await this.once(`key:${hash}`, () => findActiveApiKey(this.pool, key));
    if (found && this.cacheMs > 0) this.keys.set(hash, { value: found, until: Date.now() + this.cacheMs });
    else this.keys.delete(hash);
    return found;
  }

  /** Whether the key with this id exists and is not revoked (cached like verdicts on keys). */
  async isKeyActive(id: string): Promise<boolean> {
    const cached = this.activeIds.get(id);
    if (cached && cached.until > Date.now()) return cached.value;
    const active = await this.once(`id:${id}`, () => isApiKeyActive(this.pool, id));
    if (this.cacheMs > 0) this.activeIds.set(id, { value: active, until: Date.now() + this.cacheMs });
    return active;
  }

  /** Concurrent first requests with one credential share a single query. */
  private once<T>(key: string, query: () => Promise<T>): Promise<T> {
    let lookup = this.pending.get(key) as Promise<T> | undefined;
    if (!lookup) {
      lookup = query().finally(() => this.pending.delete(key));
      this.pending.set(key, lookup);
    }
    return lookup;
  }

  /** Forget every cached verdict (a key was revoked somewhere). */
  invalidate(): void {
    this.keys.clear();
    this.activeIds.clear();
  }

  /** Starts listening for revocations; failures are logged and retried, never fatal (the cache expiry still bounds staleness). */
  async listen(): Promise<void> {
    if (this.cacheMs === 0) return;
    await this.listener.start();
  }

  async close(): Promise<void> {
    await this.listener.close();
  }
}
