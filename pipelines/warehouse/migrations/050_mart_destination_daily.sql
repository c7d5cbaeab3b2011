-- Mart: daily bookings and travellers per destination.
-- Grain: one row per (destination, day) with any activity. bookings_made / travellers_booked: bookings made that
-- day (booked_at, UTC), whatever their status now; cancelled_since: how many of those are cancelled now;
-- bookings_departing / travellers_departing: bookings not cancelled whose departure is that day. destination_id 0
-- is a booking whose destination is unknown.
-- Built from the *_latest views (each booking once, in its latest state; rows the ingest marks deleted are left
-- out there), so a later cancellation moves its booking at the next refresh.
-- Freshness: a refreshable view, rebuilt every 15 minutes (the ingest's schedule) and after `spirit-ml ingest` and
-- `npm start`'s pipeline (pipelines/warehouse/marts.ts).
CREATE MATERIALIZED VIEW IF NOT EXISTS mart_destination_daily
REFRESH EVERY 15 MINUTE
ENGINE = MergeTree ORDER BY (destination_id, day)
AS
WITH facts AS (
  SELECT
    ifNull(coalesce(b.destination_id, nullIf(i.destination_id, 0)), 0) AS destination_id,
    toDate(b.booked_at) AS booked_day,
    b.departure_date AS departure_date,
    b.party_size AS party_size,
    b.status = 'cancelled' AS cancelled
  FROM bookings_latest AS b
  LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
)
SELECT
  a.day AS day,
  a.destination_id AS destination_id,
  if(a.destination_id = 0, '(unknown)', any(d.name)) AS destination,
  toUInt64(sum(a.made)) AS bookings_made,
  toUInt64(sum(a.made_pax)) AS travellers_booked,
  toUInt64(sum(a.made_cancelled)) AS cancelled_since,
  toUInt64(sum(a.departing)) AS bookings_departing,
  toUInt64(sum(a.departing_pax)) AS travellers_departing
FROM (
  SELECT booked_day AS day, destination_id, 1 AS made, party_size AS made_pax, toUInt8(cancelled) AS made_cancelled, 0 AS departing, 0 AS departing_pax FROM facts
  UNION ALL
  SELECT departure_date, destination_id, 0, 0, 0, 1, party_size FROM facts WHERE NOT cancelled
) AS a
LEFT JOIN destinations_latest AS d ON d.id = a.destination_id
GROUP BY a.day, a.destination_id;
