-- Mart: revenue and margin by itinerary, season and service level.
-- Grain: one row per (itinerary, departure year, season, currency) for bookings that travel (not cancelled, latest
-- state). Seasons follow the Andes calendar most trips are sold on: high June–August (dry season, Inti Raymi,
-- Fiestas Patrias), shoulder April–May and September–October, low November–March (rains; the Inca Trail closes in
-- February). revenue counts every booking; cost and margin only bookings whose cost is known (cost_known), so a
-- margin is never diluted by missing costs. Imported bookings have no itinerary: itinerary_id 0, '(no itinerary)'.
-- Freshness: refreshable, every 15 minutes and after each ingest, from the *_latest views.
CREATE MATERIALIZED VIEW IF NOT EXISTS mart_itinerary_revenue
REFRESH EVERY 15 MINUTE
ENGINE = MergeTree ORDER BY (itinerary_id, departure_year, season, currency)
AS
SELECT
  ifNull(b.itinerary_id, 0) AS itinerary_id,
  toUInt16(toYear(b.departure_date)) AS departure_year,
  multiIf(toMonth(b.departure_date) IN (6, 7, 8), 'high', toMonth(b.departure_date) IN (4, 5, 9, 10), 'shoulder', 'low') AS season,
  b.currency AS currency,
  if(itinerary_id = 0, '(no itinerary)', any(i.name)) AS itinerary,
  if(itinerary_id = 0, '(no itinerary)', any(toString(i.service_level))) AS service_level,
  ifNull(any(d.name), '(unknown)') AS destination,
  count() AS bookings,
  toUInt64(sum(b.party_size)) AS travellers,
  sum(toFloat64(b.total_price)) AS revenue,
  countIf(b.total_cost IS NOT NULL AND b.total_cost > 0) AS cost_known,
  sumIf(toFloat64(b.total_price), b.total_cost IS NOT NULL AND b.total_cost > 0) AS revenue_with_cost,
  sumIf(toFloat64(ifNull(b.total_cost, 0)), b.total_cost IS NOT NULL AND b.total_cost > 0) AS cost,
  if(revenue_with_cost > 0, (revenue_with_cost - cost) / revenue_with_cost, NULL) AS margin
FROM bookings_latest AS b
LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
LEFT JOIN destinations_latest AS d ON d.id = coalesce(b.destination_id, nullIf(i.destination_id, 0))
WHERE b.status != 'cancelled'
GROUP BY itinerary_id, departure_year, season, currency;
