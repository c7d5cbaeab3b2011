-- The booking system's domain events (quotation approved, booking cancelled, payment received…), appended by
-- the outbox consumer (pipelines/outbox). Delivery is at least once, so the same event can arrive twice: the
-- table is a ReplacingMergeTree whose sort key ends with the event id, and a copy of an event has the same
-- type, occurred_at and id, hence the same key and the same monthly partition. Read with FINAL, or events_latest.

CREATE TABLE IF NOT EXISTS events (
  id UUID,
  seq UInt64,
  aggregate_type LowCardinality(String),
  aggregate_id String,
  aggregate_seq UInt32,
  type LowCardinality(String),
  payload String,
  occurred_at DateTime64(6, 'UTC'),
  received_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(occurred_at)
ORDER BY (type, occurred_at, id);

CREATE VIEW IF NOT EXISTS events_latest AS SELECT * FROM events FINAL;
