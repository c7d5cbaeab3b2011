-- Conversion of quotations into bookings by lead time (days from the quotation to the departure).
-- Late requests usually convert better (the customer has decided) but leave less room on the departure.
--
-- A quotation counts as converted when a booking points at it, whatever that booking's status is now: it was
-- sold (cancellations are in 02). Quotations still open — draft or sent, for a departure not yet past — have no
-- outcome yet and are left out, or recent months would look like lost sales.
--
-- quotations_latest and bookings_latest hold each row once in its latest state; a quotation revised three times
-- (three quotation_versions) is still one quotation here. Bookings are reduced to distinct quotation ids so a
-- quotation booked twice does not count twice.
WITH booked AS (
  SELECT DISTINCT quotation_id
  FROM bookings_latest
  WHERE quotation_id IS NOT NULL
)
SELECT
  multiIf(lead_days < 14, '0-13', lead_days < 30, '14-29', lead_days < 60, '30-59', lead_days < 90, '60-89',
          lead_days < 180, '90-179', '180+') AS lead_time,
  min(lead_days) AS from_days,
  count() AS quotations,
  countIf(k.quotation_id IS NOT NULL) AS booked,
  round(booked / quotations, 3) AS conversion
FROM (
  SELECT id, dateDiff('day', toDate(quoted_at), departure_date) AS lead_days
  FROM quotations_latest
  WHERE NOT (status IN ('draft', 'sent') AND departure_date >= today())
) AS q
LEFT JOIN booked AS k ON k.quotation_id = q.id
GROUP BY lead_time
ORDER BY from_days
SETTINGS join_use_nulls = 1
