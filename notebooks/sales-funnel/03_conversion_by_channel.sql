-- Conversion by sales channel and customer type: where quotations turn into bookings, and at what value.
-- Same definitions as 01: converted = a booking points at the quotation; open quotations are left out;
-- quotations_latest / bookings_latest give each row once in its latest state.
WITH booked AS (
  SELECT quotation_id, any(total_price) AS booked_price
  FROM bookings_latest
  WHERE quotation_id IS NOT NULL
  GROUP BY quotation_id
)
SELECT
  q.channel AS channel,
  ifNull(c.customer_type, '(unknown)') AS customer_type,
  count() AS quotations,
  countIf(k.quotation_id IS NOT NULL) AS booked,
  round(booked / quotations, 3) AS conversion,
  round(avgIf(toFloat64(k.booked_price), k.quotation_id IS NOT NULL), 2) AS avg_booked_price
FROM quotations_latest AS q
LEFT JOIN customers_latest AS c ON c.id = q.customer_id
LEFT JOIN booked AS k ON k.quotation_id = q.id
WHERE NOT (q.status IN ('draft', 'sent') AND q.departure_date >= today())
GROUP BY channel, customer_type
ORDER BY channel, customer_type
SETTINGS join_use_nulls = 1
