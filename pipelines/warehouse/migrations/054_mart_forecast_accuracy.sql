-- Mart: accuracy of the demand forecasts over time: every forecast day of every model version that has passed,
-- joined to what was then booked at that destination that day.
-- Grain: one row per (model version, destination, measure, forecast month, horizon bucket). The actual is the same
-- measure the forecaster learned (features/demand-series.ts): bookings made that day (booked_at, UTC) and their
-- travellers, bookings cancelled since left out (latest state). days: forecast days in the row; abs_error and
-- the sums give WAPE (sum of |forecast - actual| / sum of actual) and bias; within_80: days inside the 80% interval.
-- Horizon: days from the forecast's generation to the forecast day, in buckets 1–7, 8–30, 31–90, 91+.
-- Freshness: refreshable, every 15 minutes and after each ingest; today's and future days are not in it.
CREATE MATERIALIZED VIEW IF NOT EXISTS mart_forecast_accuracy
REFRESH EVERY 15 MINUTE
ENGINE = MergeTree ORDER BY (model_version, destination, measure, month, horizon)
AS
WITH actuals AS (
  SELECT d.code AS code, toDate(b.booked_at) AS day, toFloat64(count()) AS bookings, toFloat64(sum(b.party_size)) AS travellers
  FROM bookings_latest AS b
  LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
  INNER JOIN destinations_latest AS d ON d.id = coalesce(b.destination_id, nullIf(i.destination_id, 0))
  WHERE b.status != 'cancelled'
  GROUP BY code, day
)
SELECT
  f.model_version AS model_version,
  f.entity_code AS destination,
  f.measure AS measure,
  toStartOfMonth(f.date) AS month,
  multiIf(dateDiff('day', toDate(f.generated_at), f.date) <= 7, '1-7', dateDiff('day', toDate(f.generated_at), f.date) <= 30, '8-30',
          dateDiff('day', toDate(f.generated_at), f.date) <= 90, '31-90', '91+') AS horizon,
  count() AS days,
  sum(f.mean) AS forecast,
  sum(if(f.measure = 'bookings', a.bookings, a.travellers)) AS actual,
  sum(abs(f.mean - if(f.measure = 'bookings', a.bookings, a.travellers))) AS abs_error,
  countIf(if(f.measure = 'bookings', a.bookings, a.travellers) BETWEEN f.lo80 AND f.hi80) AS within_80
FROM demand_forecasts AS f
LEFT JOIN actuals AS a ON a.code = f.entity_code AND a.day = f.date
WHERE startsWith(f.series_id, 'destination/') AND f.date < today()
GROUP BY model_version, destination, measure, month, horizon;
