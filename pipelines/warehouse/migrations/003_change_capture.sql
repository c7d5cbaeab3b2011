-- Change capture in commit order (issue #23): the booking system's tables are versioned by change_xid, the id of
-- the PostgreSQL transaction that last wrote the row, instead of updated_at (a clock writers may set backwards).
-- The ingest copies a row only once its transaction is below the snapshot horizon, so a row's later states always
-- carry larger ids and ReplacingMergeTree keeps the latest. Deletes arrive as is_deleted = 1 versions: FINAL, and
-- so the *_latest views, leave the row out.
-- The engine's version column cannot be altered, so each table is replaced (its copy is dropped) and the ingest,
-- which keeps its place in ingest_positions from now on, loads every table again on its next run.

CREATE OR REPLACE TABLE destinations (
  id UInt32,
  code String,
  name String,
  country LowCardinality(String),
  region LowCardinality(String),
  popularity Float64,
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE itineraries (
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
  themes Array(String) DEFAULT JSONExtract(themes_json, 'Array(String)'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE itinerary_components (
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
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE departures (
  id UInt32,
  itinerary_id UInt32,
  departure_date Date,
  capacity UInt16,
  seats_sold UInt16,
  status LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE customers (
  id UInt64,
  external_ref Nullable(String),
  name String,
  email Nullable(String),
  country LowCardinality(String),
  language LowCardinality(String),
  customer_type LowCardinality(String),
  created_at DateTime64(6, 'UTC'),
  updated_at DateTime64(6, 'UTC'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY id;

CREATE OR REPLACE TABLE customer_group_profiles (
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
  special_needs Array(String) DEFAULT JSONExtract(special_needs_json, 'Array(String)'),
  change_xid UInt64,
  is_deleted UInt8 DEFAULT 0
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) ORDER BY customer_id;

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY (quotation_id, version);

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

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
) ENGINE = ReplacingMergeTree(change_xid, is_deleted) PARTITION BY toYYYYMM(created_at) ORDER BY id;

-- Where each table's ingest got to: every row with (change_xid, key) up to this one is in ClickHouse.
CREATE TABLE IF NOT EXISTS ingest_positions (
  table_name String,
  change_xid UInt64,
  row_key String,
  rows_total UInt64,
  run_id String,
  saved_at DateTime64(6, 'UTC')
) ENGINE = ReplacingMergeTree(saved_at) ORDER BY table_name;
