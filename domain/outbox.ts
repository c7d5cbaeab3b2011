import crypto from 'node:crypto';
import type pg from 'pg';
import { InputError } from '../platform/errors.ts';
import { OUTBOX_CHANNEL } from '../platform/outbox-channel.ts';

/**
 * The transactional outbox (migration 031). Domain code calls `recordEvent` with the client of the transaction
 * that makes the change, so the event commits with the change or not at all; a relay (pipelines/outbox) takes
 * it from there to ClickHouse. This file depends on nothing but PostgreSQL, so domain code can use it without
 * pulling in the pipelines.
 *
 *   await client.query('BEGIN');
 *   await client.query('UPDATE quotations SET status = $2 WHERE id = $1', [id, 'approved']);
 *   await recordEvent(client, { aggregateType: 'quotation', aggregateId: id, type: 'quotation.approved', payload: { by } });
 *   await client.query('COMMIT');
 *
 * A transaction that records events of several aggregates should record them in a fixed order (by id): each
 * aggregate is locked until commit, and two transactions taking the same locks in opposite orders deadlock.
 */
export const DOMAIN_EVENT_TYPES = [
  'quotation.created',
  'quotation.updated',
  'quotation.approved',
  'quotation.rejected',
  'booking.created',
  'booking.confirmed',
  'booking.cancelled',
  'payment.received',
  'payment.failed',
  'payment.refunded',
  'guide.assigned',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  /** What the event is about, e.g. quotation, booking. Events of one aggregate are delivered in order. */
  aggregateType: string;
  aggregateId: string | number | bigint;
  type: DomainEventType;
  /** Ids, amounts, statuses: what analysts need. No personal data (names, e-mails). */
  payload: Record<string, unknown>;
}

export interface RecordedEvent {
  id: string;
  /** 1 for the aggregate's first event, then 2, 3… in commit order. */
  aggregateSeq: number;
}

/** A client inside the caller's transaction (pg.PoolClient or pg.Client). */
export type TransactionClient = Pick<pg.ClientBase, 'query'>;

const AGGREGATE_TYPE = /^[a-z][a-z_]*$/;

export async function recordEvent(client: TransactionClient, event: DomainEvent): Promise<RecordedEvent> {
  if (!AGGREGATE_TYPE.test(event.aggregateType ?? '')) throw new InputError(`aggregateType must be a lower-case word such as "booking", got "${event.aggregateType}"`, 'aggregateType');
  const aggregateId = String(event.aggregateId ?? '').trim();
  if (aggregateId === '') throw new InputError('aggregateId must not be empty', 'aggregateId');
  if (!DOMAIN_EVENT_TYPES.includes(event.type)) throw new InputError(`type must be one of ${DOMAIN_EVENT_TYPES.join(', ')}, got "${event.type}"`, 'type');
  if (event.payload === null || typeof event.payload !== 'object' || Array.isArray(event.payload)) {
    throw new InputError('payload must be an object', 'payload');
  }
  const id = crypto.randomUUID();
  // Writers of the same aggregate queue here until the holder commits, so the next one sees its event and
  // numbers after it: per-aggregate numbers follow commit order, which is what the relay needs to keep order.
  await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 31))', [`${event.aggregateType}:${aggregateId}`]);
  const { rows } = await client.query<{ aggregate_seq: number }>(
    `INSERT INTO outbox_events (id, aggregate_type, aggregate_id, aggregate_seq, type, payload)
     SELECT $1, $2, $3, COALESCE(max(aggregate_seq), 0) + 1, $4, $5
       FROM outbox_events WHERE aggregate_type = $2 AND aggregate_id = $3
     RETURNING aggregate_seq`,
    [id, event.aggregateType, aggregateId, event.type, JSON.stringify(event.payload, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))],
  );
  // Notified at commit (NOTIFY is transactional), so the relay publishes at once instead of at its next poll.
  await client.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  return { id, aggregateSeq: rows[0].aggregate_seq };
}
