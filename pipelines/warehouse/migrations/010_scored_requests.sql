-- Every item the scoring API scored (one row per quotation of a batch, per recommendation list, per forecast):
-- the input as received, the feature values it was scored with (after defaults), the model version and the
-- answer, so any past suggestion can be replayed exactly and joined to what happened later (the quotation's
-- outcome by quotation_id, the customer's bookings by customer_id). Written asynchronously in batches by the
-- API (serving/request-log); append-only, so a plain MergeTree.

CREATE TABLE IF NOT EXISTS scored_requests (
  request_id String,
  -- Position in a batch request (0 for single requests).
  item UInt16,
  scored_at DateTime64(3, 'UTC'),
  route LowCardinality(String),
  family LowCardinality(String),
  model_version LowCardinality(String),
  -- Content address of the feature values (same values, same id); the values themselves are in `features`.
  feature_snapshot_id String,
  defaulted_features Array(String),
  caller_kind LowCardinality(String),
  caller_id String,
  caller_role LowCardinality(String),
  -- What was scored: the caller's quotation reference, a customer, an itinerary or a destination.
  subject String,
  quotation_id Nullable(UInt64),
  customer_id Nullable(UInt64),
  request String,
  features String,
  response String,
  latency_ms Float32
) ENGINE = MergeTree PARTITION BY toYYYYMM(scored_at) ORDER BY (family, scored_at, request_id, item);
