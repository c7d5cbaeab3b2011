-- import_rejects was sorted by (import_id, id) while PostgreSQL keys it by id alone: a reject moved to another import
-- became a second live row, since ReplacingMergeTree collapses versions by its sorting key and the ingest writes a
-- tombstone only when the PostgreSQL key changes. The sorting key cannot be altered, so the table is replaced (with
-- the storage settings 070 and 071 gave it) and its ingest position reset: the next ingest loads it again.

CREATE OR REPLACE TABLE import_rejects (
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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id
  SETTINGS min_bytes_for_wide_part = 268435456, max_compress_block_size = 262144, min_compress_block_size = 65536, merge_selector_base = 10;

INSERT INTO ingest_positions (table_name, change_xid, row_key, rows_total, run_id, saved_at)
VALUES ('import_rejects', 0, '[]', 0, 'migration 007', now64(6));
