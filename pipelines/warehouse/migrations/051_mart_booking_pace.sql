-- Mart: booking pace by lead time, for comparing this year's departures with last year's.
-- Grain: one row per (destination, departure month, days before departure) with travellers booked: bookings not
-- cancelled (latest state), for departures in that month, made that many days before their departure (0 to 730).
-- The pace of a departure month at N days out is the sum over days_before >= N; last year's is the same month
-- twelve months earlier (notebooks/booking-pace.md). Imported bookings without a booking time count on their
-- import day. destination_id 0: unknown destination.
-- Freshness: refreshable, every 15 minutes and after each ingest, from the *_latest views.
CREATE MATERIALIZED VIEW IF NOT EXISTS mart_booking_pace
REFRESH EVERY 15 MINUTE
ENGINE = MergeTree ORDER BY (destination_id, departure_month, days_before)
AS
SELECT
  ifNull(coalesce(b.destination_id, nullIf(i.destination_id, 0)), 0) AS destination_id,
  toStartOfMonth(b.departure_date) AS departure_month,
  toUInt16(least(730, greatest(0, dateDiff('day', toDate(b.booked_at), b.departure_date)))) AS days_before,
  count() AS bookings,
  toUInt64(sum(b.party_size)) AS travellers
FROM bookings_latest AS b
LEFT JOIN itineraries_latest AS i ON i.id = b.itinerary_id
WHERE b.status != 'cancelled'
GROUP BY destination_id, departure_month, days_before;
