-- Mart 056 again, with each decision on the day it was made in Lima. 056 took the UTC day, while the review desk
-- asks for "the last N days" counted from Lima's today and managers decide in Lima: a decision taken after 19:00
-- there counted on the next day, so a window's first and last evenings were swapped for the ones around it.
-- The mart is rebuilt from suggestion_decisions, which holds every decision, as 056 did.
DROP VIEW IF EXISTS mart_suggestion_acceptance_mv;

DROP TABLE IF EXISTS mart_suggestion_acceptance;

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
  override_changes AggregateFunction(groupUniqArrayIf, Tuple(UInt64, Float64), UInt8)
) ENGINE = AggregatingMergeTree ORDER BY (model_version, decided_by, decided_by_role, day);

CREATE MATERIALIZED VIEW IF NOT EXISTS mart_suggestion_acceptance_mv TO mart_suggestion_acceptance AS
SELECT
  toDate(decided_at, 'America/Lima') AS day,
  model_version,
  decided_by,
  decided_by_role,
  uniqExactState(id) AS decisions,
  uniqExactIfState(id, toUInt8(action IN ('accept', 'auto_accept'))) AS accepted,
  uniqExactIfState(id, toUInt8(action = 'auto_accept')) AS auto_accepted,
  uniqExactIfState(id, toUInt8(action = 'override')) AS overridden,
  uniqExactIfState(id, toUInt8(action = 'reject')) AS rejected,
  groupUniqArrayIfState((toUInt64(id), toFloat64(decided_price - suggested_price) / toFloat64(suggested_price)), toUInt8(action = 'override')) AS override_changes
FROM suggestion_decisions
GROUP BY day, model_version, decided_by, decided_by_role;

INSERT INTO mart_suggestion_acceptance
SELECT
  toDate(decided_at, 'America/Lima') AS day, model_version, decided_by, decided_by_role,
  uniqExactState(id), uniqExactIfState(id, toUInt8(action IN ('accept', 'auto_accept'))), uniqExactIfState(id, toUInt8(action = 'auto_accept')),
  uniqExactIfState(id, toUInt8(action = 'override')), uniqExactIfState(id, toUInt8(action = 'reject')),
  groupUniqArrayIfState((toUInt64(id), toFloat64(decided_price - suggested_price) / toFloat64(suggested_price)), toUInt8(action = 'override'))
FROM suggestion_decisions
GROUP BY day, model_version, decided_by, decided_by_role;

CREATE OR REPLACE VIEW suggestion_acceptance AS
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
  arrayReduce('avg', arrayMap(c -> c.2, groupUniqArrayIfMerge(override_changes))) AS avg_override_change
FROM mart_suggestion_acceptance
GROUP BY day, model_version, decided_by, decided_by_role;
