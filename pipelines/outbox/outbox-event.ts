import type pg from 'pg';

/** An outbox row as it travels: PostgreSQL → stream → ClickHouse `events`. Times are UTC text with microseconds. */
export interface OutboxEvent {
  id: string;
  seq: string;
  aggregate_type: string;
  aggregate_id: string;
  aggregate_seq: number;
  type: string;
  payload: string;
  occurred_at: string;
}

/** The oldest unpublished events, in the order they were numbered (commit order within an aggregate). */
export async function readUnpublished(client: Pick<pg.ClientBase, 'query'>, limit: number): Promise<OutboxEvent[]> {
  const { rows } = await client.query<OutboxEvent>(
    `SELECT id::text, seq::text, aggregate_type, aggregate_id, aggregate_seq, type, payload::text AS payload,
            to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS occurred_at
       FROM outbox_events WHERE published_at IS NULL
      -- Qualified: a bare "seq" would sort by the text column of that name in the select list.
      ORDER BY outbox_events.seq LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function markPublished(client: Pick<pg.ClientBase, 'query'>, ids: readonly string[]): Promise<void> {
  await client.query(`UPDATE outbox_events SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`, [ids]);
}

/** Where the relay sends events: a Redis stream, or straight into ClickHouse when there is no Redis. */
export interface EventPublisher {
  /**
   * Publishes the events in order. Returns how many of them (from the first) it took when it could not take them
   * all — a stream full of entries its consumer has not acknowledged — and the rest must wait; nothing means all.
   */
  publish(events: readonly OutboxEvent[]): Promise<number | void>;
}
