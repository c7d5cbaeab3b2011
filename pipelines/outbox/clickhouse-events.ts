import type { ClickHouseClient } from '@clickhouse/client';
import type { EventPublisher, OutboxEvent } from './outbox-event.ts';

/**
 * Appends events to ClickHouse `events` (warehouse migration 030). A repeated event (at-least-once delivery)
 * lands as a second row with the same key, which ReplacingMergeTree folds away; readers use FINAL or events_latest.
 */
export async function appendEvents(client: ClickHouseClient, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  await client.insert({
    table: 'events',
    values: events.map((e) => ({
      id: e.id,
      seq: e.seq,
      aggregate_type: e.aggregate_type,
      aggregate_id: e.aggregate_id,
      aggregate_seq: e.aggregate_seq,
      type: e.type,
      payload: e.payload,
      occurred_at: e.occurred_at,
    })),
    format: 'JSONEachRow',
  });
}

/** Without Redis the relay's "stream" is ClickHouse itself: publishing is appending. */
export function clickHousePublisher(client: ClickHouseClient): EventPublisher {
  return { publish: (events) => appendEvents(client, events) };
}
