-- Mart: acceptance of price suggestions by model version and manager, built incrementally: a materialized view
-- adds each block of decisions copied into suggestion_decisions (domain/suggestions/decision-warehouse.ts) to
-- AggregatingMergeTree states; nothing is ever recomputed. Read one day at a time through suggestion_acceptance;
-- over longer periods merge the states (uniqExactMerge(decisions), avgIfMerge(override_change)…) from the table.
-- Grain: one row per (day decided, model version, manager, role). Decisions are counted by id (uniqExact), so a
-- decision the copy delivers twice still counts once; the average override is over the rows as delivered.
-- Freshness: as soon as a decision is copied to the warehouse (the copy runs with the review desk's poll).
CREATE TABLE IF NOT EXISTS mart_suggestion_acceptance (
  day Date,
  model_version LowCardinality(String),
  decided_by String,
  decided_by_role LowCardinality(String),
  decisions AggregateFunction(uniqExact, UInt64),
  accepted AggregateFunction(uniqExactIf, UInt64, UInt8),
  auto_accepted AggregateFunction(uniqExactIf, UInt64, UInt8),
  overridden AggregateFunction(uniqExactIf, UInt64, UInt8),
  rejected AggregateFunction(uniqExactIf, UInt64, UInt8),
  override_change AggregateFunction(avgIf, Float64, UInt8)
) ENGINE = AggregatingMergeTree ORDER BY (model_version, decided_by, decided_by_role, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_suggestion_acceptance_mv TO mart_suggestion_acceptance AS
SELECT
  toDate(decided_at) AS day,
  model_version,
  decided_by,
  decided_by_role,
  uniqExactState(id) AS decisions,
  uniqExactIfState(id, toUInt8(action IN ('accept', 'auto_accept'))) AS accepted,
  uniqExactIfState(id, toUInt8(action = 'auto_accept')) AS auto_accepted,
  uniqExactIfState(id, toUInt8(action = 'override')) AS overridden,
  uniqExactIfState(id, toUInt8(action = 'reject')) AS rejected,
  avgIfState(toFloat64(decided_price - suggested_price) / toFloat64(suggested_price), toUInt8(action = 'override')) AS override_change
FROM suggestion_decisions
GROUP BY day, model_version, decided_by, decided_by_role;

-- Decisions copied before this mart existed (the view only sees new inserts); once, while the mart is empty.
INSERT INTO mart_suggestion_acceptance
SELECT
  toDate(decided_at) AS day, model_version, decided_by, decided_by_role,
  uniqExactState(id), uniqExactIfState(id, toUInt8(action IN ('accept', 'auto_accept'))), uniqExactIfState(id, toUInt8(action = 'auto_accept')),
  uniqExactIfState(id, toUInt8(action = 'override')), uniqExactIfState(id, toUInt8(action = 'reject')),
  avgIfState(toFloat64(decided_price - suggested_price) / toFloat64(suggested_price), toUInt8(action = 'override'))
FROM suggestion_decisions
WHERE (SELECT count() FROM mart_suggestion_acceptance) = 0
GROUP BY day, model_version, decided_by, decided_by_role;

CREATE VIEW IF NOT EXISTS suggestion_acceptance AS
SELECT
  day,
  model_version,
  decided_by,
  decided_by_role,
  uniqExactMerge(decisions) AS decisions,
  uniqExactIfMerge(accepted) AS accepted,
  uniqExactIfMerge(auto_accepted) AS auto_accepted,
  uniqExactIfMerge(overridden) AS overridden,
  uniqExactIfMerge(rejected) AS rejected,
  avgIfMerge(override_change) AS avg_override_change
FROM mart_suggestion_acceptance
GROUP BY day, model_version, decided_by, decided_by_role;
