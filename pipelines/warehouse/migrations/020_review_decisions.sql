-- Pricing managers' decisions on price suggestions, copied from PostgreSQL (suggestion_decisions) by
-- domain/suggestions/decision-warehouse.ts. Decisions never change, but the copy re-reads a recent window to
-- catch decisions committed out of id order, so a row can arrive twice: ReplacingMergeTree on the decision id
-- (the other sort columns are fixed for a given id) removes the copy. Read with FINAL or the views below.
-- Sorted by model version and destination: the acceptance-rate and override queries group by them.

CREATE TABLE IF NOT EXISTS suggestion_decisions (
  id UInt64,
  suggestion_id UInt64,
  action LowCardinality(String),
  decided_price Decimal(12, 2),
  reason Nullable(String),
  decided_by String,
  decided_by_role LowCardinality(String),
  auto_accept_band_id Nullable(UInt64),
  resulting_version Nullable(UInt32),
  quotation_id UInt64,
  destination_id UInt32,
  service_level LowCardinality(String),
  departure_date Date,
  party_size UInt16,
  cost_total Decimal(12, 2),
  current_price Decimal(12, 2),
  suggested_price Decimal(12, 2),
  lo80 Decimal(12, 2),
  hi80 Decimal(12, 2),
  guardrail LowCardinality(Nullable(String)),
  model_version LowCardinality(String),
  feature_snapshot_id Nullable(String),
  -- The features the model saw, as JSON text ({"name": value}).
  features String,
  decided_at DateTime64(6, 'UTC'),
  copied_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(decided_at)
ORDER BY (model_version, destination_id, id);

-- Acceptance rate and overrides per model version and destination. Accepted counts the manager's accepts and
-- the band's auto-accepts; the average override is the signed relative move from the suggested price
-- (−0.05: managers priced 5% under the model), with its absolute size next to it.
CREATE VIEW IF NOT EXISTS review_rates_by_model_destination AS
SELECT
  model_version,
  destination_id,
  count() AS decisions,
  countIf(action IN ('accept', 'auto_accept')) AS accepted,
  countIf(action = 'auto_accept') AS auto_accepted,
  countIf(action = 'override') AS overridden,
  countIf(action = 'reject') AS rejected,
  accepted / decisions AS acceptance_rate,
  avgIf(toFloat64(decided_price - suggested_price) / toFloat64(suggested_price), action = 'override') AS avg_override,
  avgIf(abs(toFloat64(decided_price - suggested_price)) / toFloat64(suggested_price), action = 'override') AS avg_abs_override
FROM suggestion_decisions FINAL
GROUP BY model_version, destination_id;

-- Labelled data for the price model's next training: the features the model saw, our cost, and the price a
-- person (or the band) settled on. Accept and auto-accept confirm the suggestion; override gives the price the
-- manager chose; reject keeps the price the quotation already had. The suggested price and the model version are
-- kept so the next training can weigh or exclude labels by where they came from. When the decision holds only
-- the feature snapshot id, the values come from the API's scored-request log (same id, same values).
CREATE VIEW IF NOT EXISTS price_training_labels AS
SELECT
  d.id AS decision_id,
  d.suggestion_id AS suggestion_id,
  d.quotation_id AS quotation_id,
  d.model_version AS model_version,
  d.destination_id AS destination_id,
  d.service_level AS service_level,
  d.departure_date AS departure_date,
  d.party_size AS party_size,
  d.decided_at AS decided_at,
  if(d.features IN ('', '{}') AND logged.features != '', logged.features, d.features) AS features,
  toFloat64(d.cost_total) AS cost,
  toFloat64(d.suggested_price) AS suggested_price,
  toFloat64(d.decided_price) AS label_price,
  d.action AS label_source
FROM (SELECT * FROM suggestion_decisions FINAL) AS d
LEFT JOIN (
  SELECT feature_snapshot_id, any(features) AS features FROM scored_requests
   WHERE family = 'price' AND feature_snapshot_id IN (SELECT ifNull(feature_snapshot_id, '') FROM suggestion_decisions)
   GROUP BY feature_snapshot_id
) AS logged ON logged.feature_snapshot_id = ifNull(d.feature_snapshot_id, '')
WHERE toFloat64(d.cost_total) > 0;
