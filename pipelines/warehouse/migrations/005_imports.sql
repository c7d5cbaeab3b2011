-- Imports of bookings and the rows they could not load (PostgreSQL imports / import_rejects, domain/migrations/003),
-- copied by the ingest in commit order (003_change_capture.sql) so analysts see rejects next to what loaded.
CREATE TABLE IF NOT EXISTS imports (
  id UInt64,
  kind LowCardinality(String),
  file_name String,
  file_sha256 String,
  status LowCardinality(String),
  rows_read UInt32,
  rows_loaded UInt32,
  rows_rejected UInt32,
  started_at DateTime64(6, 'UTC'),
  finished_at Nullable(DateTime64(6, 'UTC')),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE TABLE IF NOT EXISTS import_rejects (
  id UInt64,
  import_id UInt64,
  line_number UInt32,
  field Nullable(String),
  reason String,
  raw_line String,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY (import_id, id);

CREATE VIEW IF NOT EXISTS imports_latest AS SELECT * FROM imports FINAL;
CREATE VIEW IF NOT EXISTS import_rejects_latest AS SELECT * FROM import_rejects FINAL;
