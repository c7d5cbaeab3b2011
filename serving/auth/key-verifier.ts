import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { findActiveApiKey, hashKey, KEYS_CHANNEL, looksLikeApiKey, type VerifiedKey } from './api-keys.ts';

/**
 * Checks API keys against PostgreSQL with a short-lived cache in front, so a busy caller costs one query per
 * `cacheMs`, not one per request. Revocation does not wait for the cache to expire: `revokeApiKey` NOTIFYs,
 * this process LISTENs on a dedicated connection and drops every cached verdict when told. If that connection
 * is lost, the cache expiry is the bound until it is back.
 */
export class ApiKeyVerifier {
  /** By the key's hash, so no key is kept in clear longer than its request. */
  private readonly cache = new Map<string, { key: VerifiedKey; until: number }>();
  private readonly pending = new Map<string, Promise<VerifiedKey | undefined>>();
  private listener: pg.PoolClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
    private readonly cacheMs: number,
  ) {}

  async verify(key: string): Promise<VerifiedKey | undefined> {
    if (!looksLikeApiKey(key)) return undefined;
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.key;
    // Concurrent first requests with one key share a single query.
    let lookup = this.pending.get(hash);
    if (!lookup) {
      lookup = findActiveApiKey(this.pool, key).finally(() => this.pending.delete(hash));
      this.pending.set(hash, lookup);
    }
    const found = await lookup;
    if (found && this.cacheMs > 0) this.cache.set(hash, { key: found, until: Date.now() + this.cacheMs });
    else this.cache.delete(hash);
    return found;
  }

  /** Forget every cached verdict (a key was revoked somewhere). */
  invalidate(): void {
    this.cache.clear();
  }

  /** Starts listening for revocations; failures are logged and retried, never fatal (the cache expiry still bounds staleness). */
  async listen(): Promise<void> {
    if (this.closed || this.cacheMs === 0) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on('notification', (message) => {
        if (message.channel === KEYS_CHANNEL) this.invalidate();
      });
      client.on('error', (err) => this.lost(err));
      await client.query(`LISTEN ${KEYS_CHANNEL}`);
      this.listener = client;
      // Anything revoked while nobody listened is forgotten now.
      this.invalidate();
    } catch (err) {
      client?.release(err as Error);
      this.lost(err as Error);
    }
  }

  private lost(err: Error): void {
    if (this.listener) {
      this.listener.release(err);
      this.listener = undefined;
    }
    this.invalidate();
    if (this.closed) return;
    this.log.warn('api key revocation listener lost; cached keys expire on their own until it is back', { error: err.message });
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      void this.listen();
    }, 5000);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.listener;
    this.listener = undefined;
    if (client) {
      await client.query(`UNLISTEN ${KEYS_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }
}
