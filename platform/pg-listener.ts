import type pg from 'pg';
import type { Logger } from './log.ts';
import { Backoff } from './backoff.ts';
import { logConnectionLoss } from './stopping.ts';

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

/**
 * LISTEN on one PostgreSQL channel over a dedicated pooled connection, reconnecting with backoff (a tenth of a
 * second at first, up to 5 s apart while PostgreSQL stays away) when the connection is lost. Failures are logged,
 * never fatal: the caller decides what staleness it accepts meanwhile.
 */
export class PgListener {
  private client: pg.PoolClient | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly backoff = new Backoff(100, 5000);

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
      const mine = client;
      // A lost connection reports twice (the server's message, then the socket's end); only the current one counts.
      client.on('error', (err) => {
        if (this.client === mine) this.lost(err);
      });
      // The channel is checked above: identifiers cannot be bound as parameters.
      await client.query(`LISTEN ${this.channel}`);
      if (this.closed) {
        client.release();
        return;
      }
      this.client = client;
      this.backoff.reset();
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
    if (this.closed || this.retry) return;
    const waitMs = this.backoff.next();
    logConnectionLoss(this.log, 'PostgreSQL listener lost; reconnecting', { channel: this.channel, error: err.message, retryInMs: waitMs });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, waitMs);
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
