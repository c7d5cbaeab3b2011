-- Transactional outbox: domain code writes an event row in the same transaction as the change it describes
-- (domain/outbox.ts recordEvent), so an event exists if and only if its change committed. A relay
-- (pipelines/outbox) publishes unpublished rows in seq order and stamps published_at afterwards; a crash in
-- between publishes a row twice, which the ClickHouse side removes by event id.
-- aggregate_seq numbers the events of one aggregate 1, 2, 3… under a transaction-scoped advisory lock, so the
-- events of one aggregate commit, get their seq and are published in the order they happened.

CREATE TABLE outbox_events (
  id              uuid PRIMARY KEY,
  seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  aggregate_type  text NOT NULL CHECK (aggregate_type ~ '^[a-z][a-z_]*$'),
  aggregate_id    text NOT NULL CHECK (aggregate_id <> ''),
  aggregate_seq   integer NOT NULL CHECK (aggregate_seq >= 1),
  type            text NOT NULL CHECK (type ~ '^[a-z][a-z_]*\.[a-z][a-z_]*$'),
  payload         jsonb NOT NULL DEFAULT '{}',
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  published_at    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (aggregate_type, aggregate_id, aggregate_seq)
);
-- What the relay reads: the unpublished rows in seq order. Partial, so it stays small however long the table.
CREATE INDEX outbox_events_unpublished ON outbox_events (seq) WHERE published_at IS NULL;

CREATE TRIGGER outbox_events_updated_at BEFORE UPDATE ON outbox_events FOR EACH ROW EXECUTE FUNCTION set_updated_at();
