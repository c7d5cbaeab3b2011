import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { Backoff } from '../../platform/backoff.ts';
import { ensureStreamGroup, streamBacklog, type StreamSettings } from '../../platform/event-stream.ts';
import { appendEvents } from './clickhouse-events.ts';
import type { EventPublisher, OutboxEvent } from './outbox-event.ts';

export { streamSettings, type StreamSettings } from '../../platform/event-stream.ts';

/**
 * Publishes to the stream in order (one pipeline of XADDs on one connection keeps the batch's order), and never
 * drops an entry a consumer group has not acknowledged. Before each batch it trims what every group has
 * acknowledged (XTRIM MINID at the slowest group's oldest unacknowledged entry) and takes only as many events as
 * fit under `maxLength` unacknowledged entries; the rest stay unpublished in PostgreSQL until the consumer catches
 * up. (MAXLEN trimming used to drop entries the group had not read while their outbox rows were already stamped
 * published: events lost without a word.) It creates the consumer group itself (again after Redis comes back
 * empty), so entries published before the first consumer ever started are kept for it too.
 */
export function redisStreamPublisher(redis: Redis, settings: StreamSettings): EventPublisher {
  return {
    async publish(events) {
      let backlog = await streamBacklog(redis, settings.key);
      // None yet, or a Redis that restarted empty: without the group, nothing would keep entries for it.
      if (!backlog || backlog.groups === 0) {
        await ensureStreamGroup(redis, settings);
        backlog = await streamBacklog(redis, settings.key);
      }
      let length = backlog?.length ?? 0;
      if (backlog?.safeTrimId) {
        await redis.xtrim(settings.key, 'MINID', backlog.safeTrimId);
        length = await redis.xlen(settings.key);
      }
      const room = Math.max(0, settings.maxLength - length);
      const taken = events.slice(0, room);
      if (taken.length === 0) return 0;
      const pipeline = redis.pipeline();
      for (const event of taken) pipeline.xadd(settings.key, '*', 'event', JSON.stringify(event));
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      return taken.length;
    },
  };
}

type StreamEntries = Array<[id: string, fields: string[]]>;

function eventsOf(entries: StreamEntries): OutboxEvent[] {
  return entries.filter(([, fields]) => fields !== null).map(([, fields]) => JSON.parse(fields[fields.indexOf('event') + 1]) as OutboxEvent);
}

/**
 * Moves events from the stream into ClickHouse: read a batch for this consumer, append it, then acknowledge it.
 * A consumer killed before acknowledging gets the same entries again on restart (or another consumer takes them
 * after claimIdleMs), and appends them again: at least once, with copies folded by event id in ClickHouse.
 */
export class EventsConsumer {
  private stopping = false;
  private done: Promise<void> | undefined;
  consumed = 0;

  constructor(
    private readonly redis: Redis,
    private readonly clickhouse: ClickHouseClient,
    private readonly settings: StreamSettings,
    private readonly log: Logger,
    private readonly opts: { batchSize?: number; blockMs?: number; flushMs?: number } = {},
  ) {}

  async ensureGroup(): Promise<void> {
    await ensureStreamGroup(this.redis, this.settings);
  }

  start(): void {
    this.done ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done?.catch(() => undefined);
  }

  /**
   * Consumes until stop(). Whatever it meets — Redis restarting (and coming back empty: no group any more),
   * ClickHouse refusing an insert — is logged and it starts over after a pause that grows while the failure lasts;
   * what was read and not acknowledged is read again, so nothing is skipped. The pause shrinks back only once
   * events reach ClickHouse again: reaching Redis is not enough, or a ClickHouse that refuses every insert would be
   * retried several times a second for as long as it does.
   */
  private async loop(): Promise<void> {
    const backoff = new Backoff(200, 5000);
    while (!this.stopping) {
      try {
        await this.consume(() => backoff.reset());
      } catch (err) {
        if (this.stopping) break;
        const waitMs = backoff.next();
        this.log.warn('events consumer error; starting over', { error: (err as Error).message, retryInMs: waitMs });
        await sleep(waitMs);
      }
    }
  }

  private async consume(delivered: () => void): Promise<void> {
    await this.ensureGroup();
    const { key, group, consumer } = this.settings;
    const count = this.opts.batchSize ?? 1000;
    // First what this consumer was given before it stopped, then what others left behind, then new entries.
    for (;;) {
      const pending = (await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '0')) as Array<[string, StreamEntries]> | null;
      const entries = pending?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      await this.handle(entries);
      delivered();
    }
    let lastClaim = 0;
    const read = async (blockMs: number): Promise<StreamEntries> => {
      const fresh = (await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', key, '>')) as Array<[string, StreamEntries]> | null;
      return fresh?.[0]?.[1] ?? [];
    };
    while (!this.stopping) {
      if (Date.now() - lastClaim > this.settings.claimIdleMs / 2) {
        lastClaim = Date.now();
        const claimed = (await this.redis.xautoclaim(key, group, consumer, this.settings.claimIdleMs, '0', 'COUNT', count)) as [string, StreamEntries];
        if (claimed[1].length > 0) {
          await this.handle(claimed[1]);
          delivered();
        }
      }
      const batch = await read(this.opts.blockMs ?? 500);
      if (batch.length === 0) continue;
      // Gather for a moment before inserting: every insert is a part in ClickHouse, and a part per event would
      // have ClickHouse slow inserts down to merge them. A second of delay is nothing next to "within a minute".
      const deadline = Date.now() + (this.opts.flushMs ?? 1000);
      while (batch.length < count && !this.stopping) {
        const wait = deadline - Date.now();
        if (wait <= 0) break;
        const more = await read(wait);
        if (more.length === 0) break;
        batch.push(...more);
      }
      await this.handle(batch);
      delivered();
    }
  }

  private async handle(entries: StreamEntries): Promise<void> {
    await appendEvents(this.clickhouse, eventsOf(entries));
    await this.redis.xack(this.settings.key, this.settings.group, ...entries.map(([id]) => id));
    this.consumed += entries.length;
  }
}

function fields(reply: unknown[]): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: reply.length / 2 }, (_, i) => [String(reply[2 * i]), reply[2 * i + 1]]));
}

/**
 * Whether the consumer group has taken and acknowledged everything on the stream. Compares ids rather than
 * trusting XINFO's `lag`, which Redis reports as unknown (nil) for a group created on a stream that already had
 * entries.
 */
export async function consumerCaughtUp(redis: Redis, settings: Pick<StreamSettings, 'key' | 'group'>): Promise<boolean> {
  const stream = fields((await redis.xinfo('STREAM', settings.key)) as unknown[]);
  const group = ((await redis.xinfo('GROUPS', settings.key)) as unknown[][]).map(fields).find((g) => g.name === settings.group);
  return !!group && group['last-delivered-id'] === stream['last-generated-id'] && Number(group.pending) === 0;
}

/**
 * A connection for the relay or the consumer: commands wait while Redis is away (ioredis reconnects with backoff
 * and replays them), and its errors are logged rather than left to ioredis's unhandled-error print.
 */
export function openRedis(url: string, log: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', (err) => log.warn('redis connection error; reconnecting', { error: err.message }));
  return redis;
}
