-- The booking system's busiest tables without monthly partitions. A monthly partition key split every insert
-- into one part per month of created_at (three dozen for a three-year history), so an ingest wrote many small
-- parts and spent more time on files than on rows; at these tables' sizes the primary key prunes as well, and
-- FINAL (the *_latest views) merges one range per part instead of per month. The partition key cannot be altered,
-- so each table is replaced and its ingest position reset (an empty key): the next ingest loads it again.

CREATE OR REPLACE TABLE quotations (
  id UInt64,
  customer_id UInt64,
  itinerary_id UInt32,
  departure_id Nullable(UInt32),
  departure_date Date,
  party_size UInt16,
  channel LowCardinality(String),
  status LowCardinality(String),
  current_version UInt32,
  cost_total Decimal(12, 2),
  price_total Decimal(12, 2),
  currency LowCardinality(String),
  quoted_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE quotation_versions (
  quotation_id UInt64,
  version UInt32,
  cost_total Decimal(12, 2),
  price_total Decimal(12, 2),
  currency LowCardinality(String),
  price_source LowCardinality(String),
  changed_by String,
  change_reason Nullable(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY (quotation_id, version);

CREATE OR REPLACE TABLE bookings (
  id UInt64,
  quotation_id Nullable(UInt64),
  customer_id Nullable(UInt64),
  itinerary_id Nullable(UInt32),
  departure_id Nullable(UInt32),
  destination_id Nullable(UInt32),
  departure_date Date,
  party_size UInt16,
  status LowCardinality(String),
  channel LowCardinality(String),
  country LowCardinality(Nullable(String)),
  total_price Decimal(12, 2),
  total_cost Nullable(Decimal(12, 2)),
  currency LowCardinality(String),
  booked_at DateTime64(6, 'UTC'),
  source LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE booking_status_history (
  id UInt64,
  booking_id UInt64,
  status LowCardinality(String),
  reason Nullable(String),
  changed_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE payments (
  id UInt64,
  booking_id UInt64,
  amount Decimal(12, 2),
  currency LowCardinality(String),
  method LowCardinality(String),
  status LowCardinality(String),
  paid_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE ratings (
  id UInt64,
  booking_id UInt64,
  customer_id UInt64,
  itinerary_id UInt32,
  score UInt8,
  comment Nullable(String),
  rated_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

INSERT INTO ingest_positions (table_name, change_xid, row_key, rows_total, run_id, saved_at)
SELECT table_name, 0, '[]', 0, 'migration 006', now64(6) FROM (SELECT arrayJoin(['quotations', 'quotation_versions', 'bookings', 'booking_status_history', 'payments', 'ratings']) AS table_name);
