-- Feature tables, rebuilt whole by the build-features step (features/README.md). Each is filled in a staging
-- copy (<table>__next, same schema) and swapped in with EXCHANGE TABLES, so readers never see a half-built
-- table. Plain MergeTree: a rebuild replaces the table, rows are never updated in place.

-- One row per quotation with its price features as of the moment it was quoted (point in time:
-- only facts known before quoted_at), the customer's history as of that moment (the segment is assigned
-- from these by the price step), and the target: the quoted price, `accepted` when the customer took it.
-- `defaulted` names the features that fell back to a default.
CREATE TABLE IF NOT EXISTS price_training_rows (
  quotation_id UInt64,
  quoted_at DateTime64(6, 'UTC'),
  customer_id UInt64,
  itinerary_id UInt32,
  destination_id UInt32,
  departure_date Date,
  price Float64,
  cost Float64,
  destination_popularity Float64,
  season_score Float64,
  group_size Float64,
  lead_time_days Float64,
  duration_days Float64,
  service_level Float64,
  departure_weekday Float64,
  departure_month Float64,
  competition_index Float64,
  departure_load_factor Float64,
  cost_hotel_per_pax Float64,
  cost_transport_per_pax Float64,
  cost_guide_per_pax Float64,
  cost_service_per_pax Float64,
  customer_age Float64,
  customer_travel_frequency Float64,
  customer_avg_budget Float64,
  customer_avg_group_size Float64,
  customer_advance_booking_days Float64,
  customer_cancellation_rate Float64,
  customer_satisfaction Float64,
  defaulted Array(String),
  accepted UInt8,
  features_version LowCardinality(String),
  built_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY (quoted_at, quotation_id);

-- One row per customer with at least one booking: the segmentation features as of `as_of` (NaN = unknown,
-- e.g. satisfaction of a customer who never rated a trip).
CREATE TABLE IF NOT EXISTS customer_features (
  customer_id UInt64,
  as_of DateTime64(6, 'UTC'),
  country LowCardinality(String),
  customer_type LowCardinality(String),
  age Float64,
  travel_frequency Float64,
  avg_budget Float64,
  avg_group_size Float64,
  advance_booking_days Float64,
  cancellation_rate Float64,
  satisfaction Float64,
  features_version LowCardinality(String),
  built_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY customer_id;

-- Implicit feedback per (customer, itinerary) as of `as_of`: bookings strong, quotations weaker, ratings
-- around 3 stars and cancellations pull down, every event decayed by its age. Pairs at or below 0 are left out.
CREATE TABLE IF NOT EXISTS customer_itinerary_interactions (
  customer_id UInt64,
  itinerary_id UInt32,
  weight Float64,
  booking_weight Float64,
  quotation_weight Float64,
  rating_weight Float64,
  kind LowCardinality(String),
  last_event_at DateTime64(6, 'UTC'),
  as_of DateTime64(6, 'UTC'),
  features_version LowCardinality(String),
  built_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY (customer_id, itinerary_id);

-- Demand as long series (series_id, date, value): bookings made and travellers booked per day and per week for
-- each destination, per month for each itinerary. Every period from a series' first booking to the last
-- complete period is present (0 when nothing was booked).
CREATE TABLE IF NOT EXISTS demand_series (
  frequency LowCardinality(String),
  series_id String,
  entity LowCardinality(String),
  entity_code String,
  measure LowCardinality(String),
  date Date,
  value Float64,
  features_version LowCardinality(String),
  built_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY (frequency, series_id, date);

-- One row per rebuild of a feature table: which moment it describes, so the training steps that read it know
-- their data window and holdout without guessing (the latest row per table wins).
CREATE TABLE IF NOT EXISTS feature_builds (
  table_name LowCardinality(String),
  as_of DateTime64(6, 'UTC'),
  rows UInt64,
  run_id String,
  built_at DateTime64(3, 'UTC')
) ENGINE = MergeTree ORDER BY (table_name, built_at);
