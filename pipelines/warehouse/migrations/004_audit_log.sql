-- The audit log (PostgreSQL audit_log, domain/migrations/012), copied by the ingest like the booking system's
-- tables (003_change_capture.sql). It only grows at the source, so each row has one version; before/after are the
-- JSON documents as text (read them with JSONExtract*).
CREATE TABLE IF NOT EXISTS audit_log (
  id UInt64,
  created_at DateTime64(6, 'UTC'),
  actor String,
  actor_key_id Nullable(UInt64),
  role LowCardinality(String),
  source LowCardinality(String),
  action LowCardinality(String),
  target String,
  before Nullable(String),
  after Nullable(String),
  request_id String,
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE VIEW IF NOT EXISTS audit_log_latest AS SELECT * FROM audit_log FINAL;
