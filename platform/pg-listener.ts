import type pg from 'pg';
import type { Logger } from './log.ts';

export interface ListenerHandlers {
  /** A NOTIFY on the channel, with its payload. */
  notified(payload: string): void;
  /**
   * The listener is (again) connected. Whatever was announced while nobody listened was missed, so this is where
   * a cache is dropped or state reloaded.
   */
  connected(): void;
  /** The connection is gone; until it is back, nothing will be announced. */
  lost?(): void;
}

const RETRY_MS = 5000;

/**
 * LISTEN on one PostgreSQL channel over a dedicated pooled connection, reconnecting every 5 s when the connection
 * is lost. Failures are logged, never fatal: the caller decides what staleness it accepts meanwhile.
 */
export class PgListener {
  private client: pg.PoolClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly log: Logger,
    private readonly handlers: ListenerHandlers,
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`channel ${channel} must be a plain lower-case identifier`);
  }

  async start(): Promise<void> {
    if (this.closed) return;
    let client: pg.PoolClient | undefined;
    try {
      client = await this.pool.connect();
      client.on('notification', (message) => {
        if (message.channel === this.channel) this.handlers.notified(message.payload ?? '');
      });
      client.on('error', (err) => this.lost(err));
      // The channel is checked above: identifiers cannot be bound as parameters.
      await client.query(`LISTEN ${this.channel}`);
      this.client = client;
      this.handlers.connected();
    } catch (err) {
      client?.release(err as Error);
      this.lost(err as Error);
    }
  }

  private lost(err: Error): void {
    if (this.client) {
      this.client.release(err);
      this.client = undefined;
    }
    this.handlers.lost?.();
    if (this.closed) return;
    this.log.warn('PostgreSQL listener lost; retrying', { channel: this.channel, error: err.message });
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, RETRY_MS);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.query(`UNLISTEN ${this.channel}`).catch(() => undefined);
      client.release();
    }
  }
}
