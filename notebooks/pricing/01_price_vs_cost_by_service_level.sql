-- Price against cost by service level (standard, superior, luxury): revenue, cost, margin and price per
-- traveller, for bookings that travel (not cancelled) and whose cost is known. Amounts are per currency:
-- adding soles to dollars would mean nothing, so currency is part of the grouping.
--
-- bookings_latest and itineraries_latest give each row once in its latest state (a booking repriced after a
-- change counts at its final price). Imported bookings have no itinerary, hence no service level: they show
-- as '(no itinerary)' rather than disappearing.
SELECT
  ifNull(toString(i.service_level), '(no itinerary)') AS service_level,
  b.currency AS currency,
  count() AS bookings,
  sum(b.total_price) AS revenue,
  sum(b.total_cost) AS cost,
  round(toFloat64(revenue - cost) / toFloat64(revenue), 3) AS margin,
  round(toFloat64(revenue) / sum(b.party_size), 2) AS price_per_pax,
  round(quantileExact(0.5)(toFloat64(b.total_price) / toFloat64(b.total_cost)), 3) AS median_markup
FROM bookings_latest AS b
LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
WHERE b.status != 'cancelled' AND b.total_cost IS NOT NULL AND b.total_cost > 0
GROUP BY service_level, currency
ORDER BY currency, service_level
SETTINGS join_use_nulls = 1
