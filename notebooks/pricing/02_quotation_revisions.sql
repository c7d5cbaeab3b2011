-- How quotations are revised before they are decided: versions per quotation and the move from the first
-- to the last quoted price, by service level and by where the last price came from (model suggestion,
-- manager's override, cost-plus…).
--
-- quotation_versions is the price history, one row per (quotation, version); its _latest view removes
-- duplicate copies of the same version, not the history. argMin/argMax over version pick the first and the
-- last price of each quotation.
WITH revisions AS (
  SELECT
    quotation_id,
    count() AS versions,
    argMin(price_total, version) AS first_price,
    argMax(price_total, version) AS last_price,
    argMax(price_source, version) AS last_source
  FROM quotation_versions_latest
  GROUP BY quotation_id
)
SELECT
  ifNull(toString(i.service_level), '(unknown)') AS service_level,
  r.last_source AS last_price_source,
  count() AS quotations,
  round(avg(r.versions), 2) AS avg_versions,
  round(avgIf(toFloat64(r.last_price) / toFloat64(r.first_price) - 1, r.first_price > 0), 4) AS avg_price_change,
  round(countIf(q.status = 'converted') / count(), 3) AS converted_share
FROM revisions AS r
INNER JOIN quotations_latest AS q ON q.id = r.quotation_id
LEFT JOIN itineraries_latest AS i ON i.id = q.itinerary_id
GROUP BY service_level, last_price_source
ORDER BY service_level, last_price_source
SETTINGS join_use_nulls = 1
