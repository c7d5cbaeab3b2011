import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { Backoff } from '../../platform/backoff.ts';
import { logConnectionLoss } from '../../platform/stopping.ts';
import { OUTBOX_CHANNEL } from '../../domain/outbox.ts';
import { markPublished, readUnpublished, type EventPublisher } from './outbox-event.ts';

// Any constant: the same in every relay process of a database, so only one publishes at a time.
const RELAY_LOCK = 7_201_030_031;

export interface RelayOptions {
  /** Events per read and publish. */
  batchSize?: number;
  /** How often to look for events when no notification came (a safety net: NOTIFY wakes it at commit). */
  pollMs?: number;
  /**
   * Least time between two publishes. 0 for a Redis stream (an XADD is cheap); about a second when publishing
   * straight into ClickHouse, where every insert is a part and a part per commit would make it throttle inserts.
   */
  minIntervalMs?: number;
}

/**
 * Publishes the outbox in order. One relay at a time holds a session advisory lock (the others wait as standbys;
 * the lock goes with the holder's connection when it dies). It reads unpublished events in seq order, publishes
 * them, and only then stamps them published — so a relay killed in between publishes them again after restart
 * (at least once; the consumer's side removes copies), and never skips one.
 *
 * Its connection is held for as long as it leads, so it listens for that connection's loss itself: a connection
 * ended by the server (failover, pg_terminate_backend, a restart) wakes the relay, which drops it and starts over
 * with a new one, waiting longer between attempts while PostgreSQL stays away. Nothing it meets stops it but stop().
 */
export class OutboxRelay {
  private stopping = false;
  private notified = false;
  private wake: (() => void) | undefined;
  private done: Promise<void> | undefined;
  private readonly backoff = new Backoff(100, 5000);
  private holding = false;
  published = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly publisher: EventPublisher,
    private readonly log: Logger,
    private readonly opts: RelayOptions = {},
  ) {}

  start(): void {
    this.done ??= this.loop().catch((err) => {
      this.log.error('outbox relay stopped', { error: (err as Error).message });
      throw err;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.done?.catch(() => undefined);
  }

  /**
   * Publishes everything unpublished now, or as much as the publisher takes (a full stream takes less: the rest
   * stays unpublished for the next drain); returns how many events went out.
   */
  async drain(client: Pick<pg.ClientBase, 'query'>): Promise<number> {
    const batchSize = this.opts.batchSize ?? 500;
    let total = 0;
    for (;;) {
      const events = await readUnpublished(client, batchSize);
      if (events.length === 0) return total;
      const answer = await this.publisher.publish(events);
      const taken = typeof answer === 'number' ? Math.max(0, Math.min(answer, events.length)) : events.length;
      if (taken > 0) await markPublished(client, events.slice(0, taken).map((e) => e.id));
      total += taken;
      this.published += taken;
      this.holdingBack(taken < events.length);
      if (taken < events.length || events.length < batchSize) return total;
    }
  }

  /** Says once when events start waiting for room downstream, and once when they flow again. */
  private holdingBack(now: boolean): void {
    if (now === this.holding) return;
    this.holding = now;
    if (now) this.log.warn('the event stream is full of events its consumer has not acknowledged; events wait, unpublished, in PostgreSQL until it catches up');
    else this.log.info('the event stream has room again; publishing resumed');
  }

  private async loop(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 1000;
    while (!this.stopping) {
      let client: pg.PoolClient | undefined;
      let locked = false;
      let broken = false;
      const onLost = (err: Error) => {
        if (broken) return;
        broken = true;
        logConnectionLoss(this.log, 'outbox relay lost its PostgreSQL connection; reconnecting', { error: err.message });
        this.wake?.();
      };
      try {
        client = await this.pool.connect();
        client.on('error', onLost);
        locked = (await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [RELAY_LOCK])).rows[0].locked;
        this.backoff.reset();
        if (locked) await this.publishWhileLeader(client, pollMs, () => broken);
      } catch (err) {
        broken = true;
        logConnectionLoss(this.log, 'outbox relay error; starting over', { error: (err as Error).message });
      } finally {
        // A connection that failed may be in any state: destroy it rather than hand it back to the pool. Its
        // listener stays: a dead connection can still report its end after it has left the pool.
        client?.release(broken ? true : undefined);
      }
      if (this.stopping) break;
      if (broken) await this.pause(this.backoff.next(), { evenIfNotified: true });
      else if (!locked) await this.pause(pollMs);
    }
  }

  private async publishWhileLeader(client: pg.PoolClient, pollMs: number, lost: () => boolean): Promise<void> {
    this.log.info('outbox relay is the publisher');
    const onNotify = () => {
      this.notified = true;
      this.wake?.();
    };
    client.on('notification', onNotify);
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    try {
      let lastDrain = 0;
      while (!this.stopping && !lost()) {
        const since = Date.now() - lastDrain;
        if (since < (this.opts.minIntervalMs ?? 0)) await sleep((this.opts.minIntervalMs ?? 0) - since);
        lastDrain = Date.now();
        this.notified = false;
        const sent = await this.drain(client);
        if (sent > 0) this.log.debug('outbox events published', { events: sent });
        await this.pause(pollMs);
      }
    } finally {
      client.off('notification', onNotify);
      await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
      await client.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK]);
    }
  }

  /**
   * Waits ms, or less when a notification arrives (or arrived while the last drain ran). Before a retry the wait
   * is kept even when notified, so a relay that cannot reach PostgreSQL does not spin.
   */
  private pause(ms: number, opts: { evenIfNotified?: boolean } = {}): Promise<void> {
    if ((this.notified && !opts.evenIfNotified) || this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
