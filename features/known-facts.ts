/**
 * The booking system's facts with the moment each became known (`known_at`): the ground every point-in-time
 * feature stands on. A feature "as of t" only uses facts with known_at < t.
 *
 * - A booking is known when it is made (booked_at), except an imported one (source `import:<id>`), which the
 *   company only learnt of when the import ran (created_at), even if booked_at is older.
 * - A cancellation is known at the first status change to `cancelled` (booking_status_history); a cancelled
 *   booking without such a row falls back to the booking's updated_at, the latest moment it can have happened.
 * - A rating is known when it is given, a quotation when it is quoted.
 * - Catalogue rows (itineraries, components, departures) have no history in the warehouse: their latest state is
 *   used. Itineraries' destination, duration and level do not change (a different tour is a new itinerary);
 *   component costs do, which is why cost features are scaled to each quotation's own cost (price-features.ts).
 *
 * Each function returns one `name AS (subquery)` for a WITH clause; later definitions refer to earlier names.
 */
/** Service levels from the lowest; an itinerary's rank is its index here (−1 for a level not listed). */
export const SERVICE_LEVELS = ['standard', 'superior', 'luxury'] as const;

export const itineraryFacts = `itinerary_facts AS (
  SELECT id AS itinerary_id, code AS itinerary_code, name AS itinerary_name, destination_id, duration_days, service_level,
    multiIf(${SERVICE_LEVELS.map((level, rank) => `service_level = '${level}', ${rank}`).join(', ')}, -1) AS service_level_rank,
    active, themes
  FROM itineraries FINAL
)`;

export const destinationFacts = `destination_facts AS (
  SELECT id AS destination_id, code AS destination_code, name AS destination_name FROM destinations FINAL
)`;

export const bookingFacts = `booking_facts AS (
  SELECT b.id AS booking_id, b.customer_id AS customer_id, b.itinerary_id AS itinerary_id,
    coalesce(b.destination_id, nullIf(i.destination_id, 0)) AS destination_id,
    b.departure_date AS departure_date, b.party_size AS party_size, toFloat64(b.total_price) AS total_price,
    b.booked_at AS booked_at, b.status AS status,
    if(startsWith(b.source, 'import:'), greatest(b.booked_at, b.created_at), b.booked_at) AS known_at
  FROM bookings AS b FINAL
  LEFT JOIN itinerary_facts AS i ON i.itinerary_id = b.itinerary_id
)`;

export const cancellationFacts = `cancellation_facts AS (
  SELECT f.booking_id AS booking_id, f.customer_id AS customer_id, f.itinerary_id AS itinerary_id, f.destination_id AS destination_id,
    f.departure_date AS departure_date, f.party_size AS party_size, greatest(c.cancelled_at, f.known_at) AS known_at
  FROM (
    SELECT booking_id, min(at) AS cancelled_at FROM (
      SELECT booking_id, changed_at AS at FROM booking_status_history FINAL WHERE status = 'cancelled'
      UNION ALL
      SELECT id AS booking_id, updated_at AS at FROM bookings FINAL WHERE status = 'cancelled'
    ) GROUP BY booking_id
  ) AS c
  INNER JOIN booking_facts AS f ON f.booking_id = c.booking_id
)`;

export const ratingFacts = `rating_facts AS (
  SELECT customer_id, itinerary_id, toFloat64(score) AS score, rated_at AS known_at FROM ratings FINAL
)`;

export const quotationFacts = `quotation_facts AS (
  SELECT id AS quotation_id, customer_id, itinerary_id, departure_date, party_size, status,
    toFloat64(cost_total) AS cost_total, toFloat64(price_total) AS price_total, quoted_at AS known_at
  FROM quotations FINAL
)`;

export const departureFacts = `departure_facts AS (
  SELECT d.id AS departure_id, d.itinerary_id AS itinerary_id, d.departure_date AS departure_date, d.capacity AS capacity,
    i.destination_id AS destination_id
  FROM departures AS d FINAL
  INNER JOIN itinerary_facts AS i ON i.itinerary_id = d.itinerary_id
)`;

/** Every fact definition, in dependency order, for a WITH clause. */
export const ALL_FACTS = [itineraryFacts, destinationFacts, bookingFacts, cancellationFacts, ratingFacts, quotationFacts, departureFacts];
