-- Seasonality per destination: travellers (pax) departing each month, and each month's share of the
-- destination's year. Cancelled bookings do not travel, so they are left out.
--
-- Reading the warehouse: every table is a ReplacingMergeTree copy of PostgreSQL that may still hold older
-- versions of a row. The *_latest views (SELECT … FINAL) give each row once, in its latest state, so a booking
-- confirmed and later cancelled is seen only as cancelled. Filtering through the view filters that latest state.
--
-- The destination comes from the booking itself when it names one (imported bookings carry only a destination)
-- and otherwise from its itinerary. join_use_nulls makes a booking without an itinerary give NULL, not 0.
SELECT
  ifNull(d.name, '(unknown)') AS destination,
  toStartOfMonth(b.departure_date) AS month,
  count() AS bookings,
  sum(b.party_size) AS pax,
  round(pax / sum(pax) OVER (PARTITION BY destination, toYear(month)), 3) AS share_of_year
FROM bookings_latest AS b
LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
LEFT JOIN destinations_latest AS d ON d.id = coalesce(b.destination_id, i.destination_id)
WHERE b.status != 'cancelled'
GROUP BY destination, month
ORDER BY destination, month
SETTINGS join_use_nulls = 1
