-- The weekly pattern: on which weekday groups leave, per destination (1 = Monday … 7 = Sunday), as pax and
-- as a share of the destination's week. Departures cluster on a few weekdays when operators run fixed
-- schedules (trains to Machu Picchu, flights to Iquitos).
--
-- Bookings are read through bookings_latest (each booking once, in its latest state).
SELECT
  ifNull(d.name, '(unknown)') AS destination,
  toDayOfWeek(b.departure_date) AS weekday,
  sum(b.party_size) AS pax,
  round(pax / sum(pax) OVER (PARTITION BY destination), 3) AS share_of_week
FROM bookings_latest AS b
LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
LEFT JOIN destinations_latest AS d ON d.id = coalesce(b.destination_id, i.destination_id)
WHERE b.status != 'cancelled'
GROUP BY destination, weekday
ORDER BY destination, weekday
SETTINGS join_use_nulls = 1
