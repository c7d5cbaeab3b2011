-- What training steps write for analysts and for fast serving, one partition per model version. A version's
-- rows are visible through the *_current views only after its batch is complete (batch_outputs) and the
-- evaluate step has switched to it (batch_current): a half-written batch is never what readers get.

CREATE TABLE IF NOT EXISTS customer_segments (
  model_version LowCardinality(String),
  customer_id UInt64,
  segment UInt16,
  segment_name String,
  generated_at DateTime64(3, 'UTC')
) ENGINE = MergeTree PARTITION BY model_version ORDER BY (model_version, customer_id);

CREATE TABLE IF NOT EXISTS customer_recommendations (
  model_version LowCardinality(String),
  customer_id UInt64,
  rank UInt8,
  itinerary_id UInt32,
  score Float32,
  generated_at DateTime64(3, 'UTC')
) ENGINE = MergeTree PARTITION BY model_version ORDER BY (model_version, customer_id, rank);

CREATE TABLE IF NOT EXISTS demand_forecasts (
  model_version LowCardinality(String),
  series_id String,
  entity_code String,
  measure LowCardinality(String),
  date Date,
  mean Float64,
  lo80 Float64,
  hi80 Float64,
  lo95 Float64,
  hi95 Float64,
  generated_at DateTime64(3, 'UTC')
) ENGINE = MergeTree PARTITION BY model_version ORDER BY (model_version, series_id, date);

-- One row per batch written in full: written after the batch's last row, so its presence means "complete".
CREATE TABLE IF NOT EXISTS batch_outputs (
  output LowCardinality(String),
  model_version String,
  rows UInt64,
  run_id String,
  completed_at DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(completed_at) ORDER BY (output, model_version);

-- Which complete batch readers get, per output; the latest switch wins.
CREATE TABLE IF NOT EXISTS batch_current (
  output LowCardinality(String),
  model_version String,
  switched_at DateTime64(3, 'UTC'),
  reason String
) ENGINE = MergeTree ORDER BY (output, switched_at);

CREATE VIEW IF NOT EXISTS customer_segments_current AS
  SELECT * FROM customer_segments
  WHERE model_version = (SELECT argMax(model_version, switched_at) FROM batch_current WHERE output = 'customer_segments');

CREATE VIEW IF NOT EXISTS customer_recommendations_current AS
  SELECT * FROM customer_recommendations
  WHERE model_version = (SELECT argMax(model_version, switched_at) FROM batch_current WHERE output = 'customer_recommendations');

CREATE VIEW IF NOT EXISTS demand_forecasts_current AS
  SELECT * FROM demand_forecasts
  WHERE model_version = (SELECT argMax(model_version, switched_at) FROM batch_current WHERE output = 'demand_forecasts');
