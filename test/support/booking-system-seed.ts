import type pg from 'pg';

/**
 * A small booking system written with plain SQL (the generator has its own tests): enough rows of every table
 * for several batches, with NULLs, arrays, JSON and text that needs escaping (tabs, newlines, backslashes).
 */
export async function seedBookingSystem(pool: pg.Pool, bookings: number): Promise<void> {
  await pool.query(`
    INSERT INTO destinations (code, name, country, region, popularity, created_at, updated_at)
      VALUES ('cusco', 'Cusco', 'PE', 'Andes', 1.6, '2022-01-01', '2022-01-01'),
             ('puno', 'Puno & Titicaca', 'PE', 'Andes', 1.1, '2022-01-01', '2022-01-01');
    INSERT INTO itineraries (code, name, destination_id, duration_days, service_level, themes, created_at, updated_at)
      SELECT 'it-' || g, 'Tour ' || g || E' with a\\ttab', 1 + g % 2, 2 + g % 6,
             (ARRAY['standard','superior','luxury'])[1 + g % 3]::service_level, ARRAY['culture', 'nature'], '2022-01-01', '2022-01-01'
        FROM generate_series(1, 20) g;
    INSERT INTO itinerary_components (itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity, created_at, updated_at)
      SELECT 1 + g % 20, 'hotel', 'Hotel ' || g, 1, 2, 'per_room', 80 + g, 2, '2022-01-01', '2022-01-01' FROM generate_series(1, 40) g;
    INSERT INTO departures (itinerary_id, departure_date, capacity, seats_sold, created_at, updated_at)
      SELECT 1 + g % 20, date '2024-01-01' + g, 16, g % 16, '2023-06-01', '2023-06-01' FROM generate_series(1, 300) g;
    INSERT INTO customers (name, email, country, created_at, updated_at)
      SELECT 'Customer ' || g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'c' || g || '@example.com' END,
             (ARRAY['US','GB','DE','PE'])[1 + g % 4], timestamptz '2023-01-01' + g * interval '1 hour', timestamptz '2023-01-01' + g * interval '1 hour'
        FROM generate_series(1, 500) g;
    INSERT INTO customer_group_profiles (customer_id, group_size, adults, children, seniors, ages, special_needs, preferences, created_at, updated_at)
      SELECT id, 3, 2, 1, 0, ARRAY[34, 36, 7], CASE WHEN id % 5 = 0 THEN ARRAY['vegetarian', E'line\\nbreak'] ELSE '{}' END,
             jsonb_build_object('themes', ARRAY['culture'], 'note', E'back\\\\slash'), created_at, updated_at FROM customers;
    INSERT INTO quotations (customer_id, itinerary_id, departure_id, departure_date, party_size, channel, status, cost_total, price_total, quoted_at, created_at, updated_at)
      SELECT 1 + g % 500, 1 + g % 20, 1 + g % 300, date '2024-01-01' + 1 + g % 300, 1 + g % 6, 'web', 'converted', 500 + g % 300, 700 + g % 400,
             q, q, q
        FROM generate_series(1, $1::int) g,
             LATERAL (SELECT (date '2024-01-01' + 1 + g % 300) - (20 + g % 200) * interval '1 day' + (g % 1440) * interval '1 minute' AS q) quoted;
    INSERT INTO quotation_versions (quotation_id, version, cost_total, price_total, changed_by, change_reason, created_at, updated_at)
      SELECT id, 1, cost_total, price_total, 'seed', NULL, created_at, created_at FROM quotations;
    INSERT INTO bookings (quotation_id, customer_id, itinerary_id, departure_id, destination_id, departure_date, party_size, status, channel, country,
                          total_price, total_cost, booked_at, source, created_at, updated_at)
      SELECT id, customer_id, itinerary_id, departure_id, 1, departure_date, party_size, 'confirmed', channel, 'US', price_total, cost_total,
             quoted_at + interval '1 day', 'generated', quoted_at + interval '1 day', quoted_at + interval '1 day'
        FROM quotations;
    INSERT INTO booking_status_history (booking_id, status, changed_at, created_at, updated_at)
      SELECT id, 'confirmed', booked_at, booked_at, booked_at FROM bookings;
    INSERT INTO payments (booking_id, amount, method, status, paid_at, created_at, updated_at)
      SELECT id, total_price, 'card', 'received', booked_at, booked_at, booked_at FROM bookings;
    INSERT INTO ratings (booking_id, customer_id, itinerary_id, score, comment, rated_at, created_at, updated_at)
      SELECT id, customer_id, itinerary_id, 1 + id % 5, CASE WHEN id % 3 = 0 THEN E'great\\tguide, "really"' END, booked_at + interval '30 days',
             booked_at + interval '30 days', booked_at + interval '30 days'
        FROM bookings WHERE id % 4 = 0;
  `.replace('$1::int', String(bookings)));
}

