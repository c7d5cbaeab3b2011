import os from 'node:os';
import type { Redis } from 'ioredis';
import { InputError } from './errors.ts';

/**
 * The Redis stream that carries domain events from the outbox relay to the consumer that writes them into
 * ClickHouse: its settings, and what its consumer groups have not acknowledged yet. Here, under platform/, because
 * the relay and consumer (pipelines/outbox) and the API's readiness and metrics (serving/) all read it.
 *
 * Settings from the environment:
 *   OUTBOX_STREAM         stream key, default spirit:events
 *   OUTBOX_STREAM_MAXLEN  most entries the stream holds that a consumer group has not acknowledged, default 1000000;
 *                         when it is full the relay stops publishing and the events wait, unpublished, in PostgreSQL
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

export interface StreamBacklog {
  /** Entries on the stream now. */
  length: number;
  /** Consumer groups reading it. */
  groups: number;
  /** Entries the slowest consumer group has not acknowledged: given to a consumer and pending, or not yet given. */
  unacknowledged: number;
  /**
   * Every group has acknowledged every entry before this id: trimming below it (XTRIM MINID) loses nothing. Null
   * when there is no group, or nothing can be trimmed.
   */
  safeTrimId: string | null;
}

function fields(reply: unknown[]): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: reply.length / 2 }, (_, i) => [String(reply[2 * i]), reply[2 * i + 1]]));
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** What the groups of the stream have not acknowledged; null when the stream does not exist yet. */
export async function streamBacklog(redis: Redis, key: string): Promise<StreamBacklog | null> {
  let stream: Record<string, unknown>;
  try {
    stream = fields((await redis.xinfo('STREAM', key)) as unknown[]);
  } catch (err) {
    if (/no such key/i.test((err as Error).message)) return null;
    throw err;
  }
  const length = Number(stream.length);
  const groups = ((await redis.xinfo('GROUPS', key)) as unknown[][]).map(fields);
  let safeTrimId: string | null = null;
  let unacknowledged = 0;
  for (const group of groups) {
    const pending = Number(group.pending);
    // The oldest entry the group still needs: its oldest pending one, else the one after the last it was given
    // (the last given itself is kept: MINID keeps the id it is given, and one acknowledged entry costs nothing).
    let needed = String(group['last-delivered-id']);
    if (pending > 0) {
      const summary = (await redis.xpending(key, String(group.name))) as [number, string | null, string | null, unknown];
      if (summary[1]) needed = summary[1];
    }
    if (safeTrimId === null || compareIds(needed, safeTrimId) < 0) safeTrimId = needed;
    // `lag` (entries not yet given to the group) is nil when Redis cannot tell; the whole stream bounds it then.
    const lag = group.lag === null || group.lag === undefined ? length : Number(group.lag);
    unacknowledged = Math.max(unacknowledged, Math.min(length, pending + lag));
  }
  if (groups.length === 0) unacknowledged = length;
  return { length, groups: groups.length, unacknowledged, safeTrimId: safeTrimId === '0-0' ? null : safeTrimId };
}

/** Creates the consumer group reading from the stream's start (and the stream), unless it exists. */
export async function ensureStreamGroup(redis: Redis, settings: Pick<StreamSettings, 'key' | 'group'>): Promise<void> {
  try {
    await redis.xgroup('CREATE', settings.key, settings.group, '0', 'MKSTREAM');
  } catch (err) {
    if (!/BUSYGROUP/.test((err as Error).message)) throw err;
  }
}
