import os from 'node:os';
import { Redis } from 'ioredis';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { InputError } from '../../platform/errors.ts';
import { appendEvents } from './clickhouse-events.ts';
import type { EventPublisher, OutboxEvent } from './outbox-event.ts';

/**
 * The events on their way to ClickHouse, as a Redis stream read by a consumer group. Settings from the
 * environment (read here, like the other outbox settings):
 *   OUTBOX_STREAM         stream key, default spirit:events
 *   OUTBOX_STREAM_MAXLEN  entries kept (approximately), default 1000000 — the consumer may fall this far behind
 *   OUTBOX_CONSUMER       this consumer's name in the group, default the host name; a restarted consumer with the
 *                         same name first re-reads what it had been given and not acknowledged
 */
export interface StreamSettings {
  key: string;
  group: string;
  consumer: string;
  maxLength: number;
  /** Entries another consumer was given and left unacknowledged this long are taken over (it died). */
  claimIdleMs: number;
}

export function streamSettings(env: NodeJS.ProcessEnv = process.env): StreamSettings {
  const maxLength = Number(env.OUTBOX_STREAM_MAXLEN ?? 1_000_000);
  if (!Number.isInteger(maxLength) || maxLength < 1000) throw new InputError(`OUTBOX_STREAM_MAXLEN must be a whole number ≥ 1000, got "${env.OUTBOX_STREAM_MAXLEN}"`, 'OUTBOX_STREAM_MAXLEN');
  const claimIdleMs = Number(env.OUTBOX_CLAIM_IDLE_MS ?? 30_000);
  if (!Number.isInteger(claimIdleMs) || claimIdleMs < 100) throw new InputError(`OUTBOX_CLAIM_IDLE_MS must be a whole number ≥ 100, got "${env.OUTBOX_CLAIM_IDLE_MS}"`, 'OUTBOX_CLAIM_IDLE_MS');
  return {
    key: env.OUTBOX_STREAM?.trim() || 'spirit:events',
    group: 'clickhouse',
    consumer: env.OUTBOX_CONSUMER?.trim() || os.hostname(),
    maxLength,
    claimIdleMs,
  };
}

/** Publishes to the stream in order: one pipeline of XADDs on one connection keeps the batch's order. */
export function redisStreamPublisher(redis: Redis, settings: StreamSettings): EventPublisher {
  return {
    async publish(events) {
      const pipeline = redis.pipeline();
      for (const event of events) pipeline.xadd(settings.key, 'MAXLEN', '~', settings.maxLength, '*', 'event', JSON.stringify(event));
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
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
    try {
      await this.redis.xgroup('CREATE', this.settings.key, this.settings.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  start(): void {
    this.done ??= this.loop().catch((err) => {
      this.log.error('events consumer stopped', { error: (err as Error).message });
      throw err;
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done?.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    await this.ensureGroup();
    const { key, group, consumer } = this.settings;
    const count = this.opts.batchSize ?? 1000;
    // First what this consumer was given before it stopped, then what others left behind, then new entries.
    for (;;) {
      const pending = (await this.redis.xreadgroup('GROUP', group, consumer, 'COUNT', count, 'STREAMS', key, '0')) as Array<[string, StreamEntries]> | null;
      const entries = pending?.[0]?.[1] ?? [];
      if (entries.length === 0) break;
      await this.handle(entries);
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
        if (claimed[1].length > 0) await this.handle(claimed[1]);
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
