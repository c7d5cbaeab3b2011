-- Cancellations by source market (the customer's country): share of bookings and of travellers cancelled,
-- and how long before departure the cancellation came (from the status history).
--
-- The market is the booking's own country when it has one (imported bookings carry it) and otherwise the
-- customer's. bookings_latest gives each booking once in its latest state, so a booking confirmed and later
-- cancelled counts once, as cancelled. booking_status_history_latest has one row per status change; the
-- cancellation date is the (first) change to 'cancelled'. Bookings imported from CSV without the date of their
-- status have a history row marked 'time unknown' (dated at the booking): those count as cancelled but are left
-- out of the timing.
WITH cancelled_at AS (
  SELECT booking_id, min(changed_at) AS at
  FROM booking_status_history_latest
  WHERE status = 'cancelled' AND NOT endsWith(ifNull(reason, ''), 'time unknown')
  GROUP BY booking_id
)
SELECT
  ifNull(coalesce(b.country, c.country), '(unknown)') AS market,
  count() AS bookings,
  countIf(b.status = 'cancelled') AS cancelled,
  round(cancelled / bookings, 3) AS cancellation_rate,
  round(sumIf(b.party_size, b.status = 'cancelled') / sum(b.party_size), 3) AS pax_cancellation_rate,
  round(avgIf(dateDiff('day', toDate(x.at), b.departure_date), b.status = 'cancelled' AND x.at IS NOT NULL), 1)
    AS avg_days_before_departure
FROM bookings_latest AS b
LEFT JOIN customers_latest AS c ON c.id = b.customer_id
LEFT JOIN cancelled_at AS x ON x.booking_id = b.id
GROUP BY market
HAVING bookings >= 20
ORDER BY cancellation_rate DESC, bookings DESC
SETTINGS join_use_nulls = 1
