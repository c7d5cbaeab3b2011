-- The booking system's tables as ClickHouse sees them, filled by the incremental ingest.
-- Rows are mutable in PostgreSQL, so every table is a ReplacingMergeTree with updated_at as the version:
-- a row ingested twice, or updated and ingested again, collapses to its latest state. The sort key is the
-- primary key of the source row (the only key that never changes, which ReplacingMergeTree needs to
-- deduplicate); large tables are partitioned by the month the row was created, which never changes either.
-- Read with FINAL (or the *_latest views) to see each row once.
-- Arrays travel as JSON text (PostgreSQL's COPY cannot write ClickHouse's array literal); a DEFAULT column
-- parses them on insert so analysts get real arrays.

CREATE TABLE IF NOT EXISTS destinations (
  id UInt32,
  code String,
  name String,
  country LowCardinality(String),
  region LowCardinality(String),
  popularity Float64,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS itineraries (
  id UInt32,
  code String,
  name String,
  destination_id UInt32,
  duration_days UInt16,
  service_level LowCardinality(String),
  themes_json String,
  active UInt8,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  themes Array(String) DEFAULT JSONExtract(themes_json, 'Array(String)')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS itinerary_components (
  id UInt32,
  itinerary_id UInt32,
  kind LowCardinality(String),
  name String,
  day_number UInt16,
  nights UInt16,
  unit LowCardinality(String),
  unit_cost Decimal(12, 2),
  unit_capacity Nullable(UInt16),
  currency LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS departures (
  id UInt32,
  itinerary_id UInt32,
  departure_date Date,
  capacity UInt16,
  seats_sold UInt16,
  status LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS customers (
  id UInt64,
  external_ref Nullable(String),
  name String,
  email Nullable(String),
  country LowCardinality(String),
  language LowCardinality(String),
  customer_type LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS customer_group_profiles (
  customer_id UInt64,
  group_size UInt16,
  adults UInt16,
  children UInt16,
  seniors UInt16,
  ages_json String,
  special_needs_json String,
  preferences String,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  ages Array(UInt8) DEFAULT JSONExtract(ages_json, 'Array(UInt8)'),
  special_needs Array(String) DEFAULT JSONExtract(special_needs_json, 'Array(String)')
) ENGINE = ReplacingMergeTree(updated_at) ORDER BY customer_id;

CREATE TABLE IF NOT EXISTS quotations (
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
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS quotation_versions (
  quotation_id UInt64,
  version UInt32,
  cost_total Decimal(12, 2),
  price_total Decimal(12, 2),
  currency LowCardinality(String),
  price_source LowCardinality(String),
  changed_by String,
  change_reason Nullable(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY (quotation_id, version);

CREATE TABLE IF NOT EXISTS bookings (
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
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS booking_status_history (
  id UInt64,
  booking_id UInt64,
  status LowCardinality(String),
  reason Nullable(String),
  changed_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS payments (
  id UInt64,
  booking_id UInt64,
  amount Decimal(12, 2),
  currency LowCardinality(String),
  method LowCardinality(String),
  status LowCardinality(String),
  paid_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY id;

CREATE TABLE IF NOT EXISTS ratings (
  id UInt64,
  booking_id UInt64,
  customer_id UInt64,
  itinerary_id UInt32,
  score UInt8,
  comment Nullable(String),
  rated_at DateTime64(6, 'UTC'),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(updated_at) PARTITION BY toYYYYMM(created_at) ORDER BY id;

-- Where each table's ingest got to: the (updated_at, key) of the last row whose batch was fully inserted.
CREATE TABLE IF NOT EXISTS ingest_watermarks (
  table_name String,
  updated_at DateTime64(6, 'UTC'),
  row_key String,
  rows_total UInt64,
  run_id String,
  saved_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(saved_at) ORDER BY table_name;
