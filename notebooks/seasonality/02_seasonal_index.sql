-- Seasonal index per destination and calendar month: the month's average pax over the years in the data,
-- divided by the destination's average month. 1.4 means 40% above an ordinary month (Cusco in the dry season,
-- June–August, with Inti Raymi on 24 June); 0.6 is the low season (the rainy months, when the Inca Trail closes
-- in February). Years are averaged so that one exceptional year does not make a season.
--
-- Bookings are read through bookings_latest (each booking once, in its latest state).
WITH monthly AS (
  SELECT
    coalesce(b.destination_id, i.destination_id) AS destination_id,
    toYear(b.departure_date) AS year,
    toMonth(b.departure_date) AS month,
    sum(b.party_size) AS pax
  FROM bookings_latest AS b
  LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
  WHERE b.status != 'cancelled'
  GROUP BY destination_id, year, month
  SETTINGS join_use_nulls = 1
)
SELECT
  ifNull(d.name, '(unknown)') AS destination,
  m.month AS month,
  count() AS years,
  round(avg(m.pax), 1) AS avg_pax,
  round(avg_pax / avg(avg_pax) OVER (PARTITION BY destination), 2) AS seasonal_index
FROM monthly AS m
LEFT JOIN destinations_latest AS d ON d.id = m.destination_id
GROUP BY destination, month
ORDER BY destination, month
SETTINGS join_use_nulls = 1
