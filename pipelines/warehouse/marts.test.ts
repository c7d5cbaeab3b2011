import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from '../../features/warehouse-query.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../../test/support/services.ts';
import { migrateWarehouse } from './migrate.ts';
import { refreshMarts } from './marts.ts';

/**
 * The marts on a handful of rows whose answers are known: each counts a booking once in its latest state (a
 * cancellation moves it at the next refresh), the acceptance mart grows with each insert and counts a decision
 * delivered twice once, forecast accuracy joins a past forecast to what was booked, and recommendation coverage
 * counts the recommended trips booked after the batch.
 */
let ch: ClickHouseClient;

const booking = (id: number, o: { destination?: number; itinerary?: number | null; customer?: number; departure: string; booked: string; pax?: number; status?: string; price?: number; cost?: number | null; updated?: string }) =>
  `(${id}, ${o.customer ?? 1}, ${o.itinerary === undefined ? 1 : o.itinerary === null ? 'NULL' : o.itinerary}, ${o.destination ?? 'NULL'}, '${o.departure}', ${o.pax ?? 2}, '${o.status ?? 'confirmed'}', 'web', ${o.price ?? 1000}, ${o.cost === undefined ? 700 : o.cost === null ? 'NULL' : o.cost}, 'USD', '${o.booked}', 'web', '${o.booked}', '${o.updated ?? o.booked}')`;

async function insertBookings(...values: string[]): Promise<void> {
  await ch.command({
    query: `INSERT INTO bookings (id, customer_id, itinerary_id, destination_id, departure_date, party_size, status, channel, total_price, total_cost, currency, booked_at, source, created_at, updated_at) VALUES ${values.join(', ')}`,
  });
}

describe('warehouse marts', () => {
  before(async () => {
    ch = (await testClickHouse()).client;
    await useClickHouseDatabase(ch, 'marts');
    await migrateWarehouse(ch, quietLog);
    await ch.command({ query: "INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at) VALUES (1, 'cusco', 'Cusco', 'PE', 'Andes', 1, '2023-01-01', '2023-01-01')" });
    await ch.command({ query: "INSERT INTO itineraries (id, code, name, destination_id, duration_days, service_level, themes_json, active, created_at, updated_at) VALUES (1, 'mp', 'Machu Picchu', 1, 4, 'superior', '[]', 1, '2023-01-01', '2023-01-01'), (2, 'vs', 'Valle Sagrado', 1, 2, 'standard', '[]', 1, '2023-01-01', '2023-01-01')" });
    await ch.command({ query: "INSERT INTO customers (id, name, country, language, customer_type, created_at, updated_at) VALUES (1, 'Ana', 'US', 'en', 'individual', '2023-01-01', '2023-01-01'), (2, 'Luis', 'PE', 'es', 'family', '2023-01-01', '2023-01-01')" });
    await insertBookings(
      booking(1, { departure: '2024-07-10', booked: '2024-05-01 10:00:00', pax: 2 }),
      booking(2, { departure: '2024-07-20', booked: '2024-05-01 12:00:00', pax: 3, itinerary: 2, customer: 2 }),
      booking(3, { departure: '2025-07-15', booked: '2025-06-15 09:00:00', pax: 4 }),
      // An imported booking: a destination, no itinerary, no cost.
      booking(4, { departure: '2024-12-05', booked: '2024-11-01 09:00:00', pax: 1, itinerary: null, destination: 1, cost: null, price: 500 }),
    );
    await refreshMarts(ch);
  });

  it('daily bookings and travellers per destination, by booking day and by departure day', async () => {
    const rows = await queryRows(ch, "SELECT toString(day) AS day, destination, bookings_made, travellers_booked, bookings_departing, travellers_departing FROM mart_destination_daily WHERE day IN ('2024-05-01', '2024-07-10') ORDER BY day");
    assert.deepEqual(rows, [
      { day: '2024-05-01', destination: 'Cusco', bookings_made: 2, travellers_booked: 5, bookings_departing: 0, travellers_departing: 0 },
      { day: '2024-07-10', destination: 'Cusco', bookings_made: 0, travellers_booked: 0, bookings_departing: 1, travellers_departing: 2 },
    ]);
  });

  it('booking pace by days before departure, and a cancellation leaves it at the next refresh', async () => {
    const pace = async () => queryRows(ch, "SELECT toString(departure_month) AS month, days_before, travellers FROM mart_booking_pace WHERE departure_month = '2024-07-01' ORDER BY days_before");
    assert.deepEqual(await pace(), [
      { month: '2024-07-01', days_before: 70, travellers: 2 },
      { month: '2024-07-01', days_before: 80, travellers: 3 },
    ]);
    await insertBookings(booking(2, { departure: '2024-07-20', booked: '2024-05-01 12:00:00', pax: 3, itinerary: 2, customer: 2, status: 'cancelled', updated: '2024-06-01 00:00:00' }));
    await refreshMarts(ch);
    assert.deepEqual(await pace(), [{ month: '2024-07-01', days_before: 70, travellers: 2 }]);
    const daily = await queryRows(ch, "SELECT bookings_made, cancelled_since FROM mart_destination_daily WHERE day = '2024-05-01'");
    assert.deepEqual(daily, [{ bookings_made: 2, cancelled_since: 1 }]);
  });

  it('revenue and margin by itinerary, season and service level; margins only over known costs', async () => {
    const rows = await queryRows(ch, 'SELECT itinerary, service_level, departure_year, season, bookings, revenue, cost_known, margin FROM mart_itinerary_revenue ORDER BY itinerary, departure_year, season');
    assert.deepEqual(rows, [
      { itinerary: '(no itinerary)', service_level: '(no itinerary)', departure_year: 2024, season: 'low', bookings: 1, revenue: 500, cost_known: 0, margin: null },
      { itinerary: 'Machu Picchu', service_level: 'superior', departure_year: 2024, season: 'high', bookings: 1, revenue: 1000, cost_known: 1, margin: 0.3 },
      { itinerary: 'Machu Picchu', service_level: 'superior', departure_year: 2025, season: 'high', bookings: 1, revenue: 1000, cost_known: 1, margin: 0.3 },
    ]);
  });

  it('suggestion acceptance grows with each insert, a decision delivered twice counted once', async () => {
    const decision = (id: number, action: string, by: string, price: number) =>
      `(${id}, ${id}, '${action}', ${price}, NULL, '${by}', 'pricing-manager', NULL, NULL, ${id}, 1, 'superior', '2025-01-01', 2, 700, 1000, 1000, 900, 1100, NULL, 'price-000003', NULL, '{}', '2024-09-0${id} 10:00:00')`;
    const insert = (...values: string[]) =>
      ch.command({
        query: `INSERT INTO suggestion_decisions (id, suggestion_id, action, decided_price, reason, decided_by, decided_by_role, auto_accept_band_id, resulting_version, quotation_id, destination_id, service_level, departure_date, party_size, cost_total, current_price, suggested_price, lo80, hi80, guardrail, model_version, feature_snapshot_id, features, decided_at) VALUES ${values.join(', ')}`,
      });
    await insert(decision(1, 'accept', 'ana', 1000), decision(2, 'override', 'ana', 900));
    // Over days, the states merge (a day's average is not averaged again).
    const read = () =>
      queryRows(
        ch,
        `SELECT decided_by, uniqExactMerge(decisions) AS decisions, uniqExactIfMerge(accepted) AS accepted, uniqExactIfMerge(overridden) AS overridden,
                round(arrayReduce('avg', arrayMap(c -> c.2, groupUniqArrayIfMerge(override_changes))), 3) AS change
         FROM mart_suggestion_acceptance WHERE model_version = 'price-000003' GROUP BY decided_by ORDER BY decided_by`,
      );
    assert.deepEqual(await read(), [{ decided_by: 'ana', decisions: 2, accepted: 1, overridden: 1, change: -0.1 }]);
    await insert(decision(2, 'override', 'ana', 900), decision(3, 'reject', 'luis', 1000));
    assert.deepEqual(await read(), [
      { decided_by: 'ana', decisions: 2, accepted: 1, overridden: 1, change: -0.1 },
      { decided_by: 'luis', decisions: 1, accepted: 0, overridden: 0, change: null },
    ]);
    assert.deepEqual(await queryRows(ch, "SELECT toString(day) AS day, decisions, accepted FROM suggestion_acceptance WHERE decided_by = 'ana' ORDER BY day"), [
      { day: '2024-09-01', decisions: 1, accepted: 1 },
      { day: '2024-09-02', decisions: 1, accepted: 0 },
    ]);
  });

  it('forecast accuracy: a past forecast joined to what was booked each day', async () => {
    await ch.command({
      query: `INSERT INTO demand_forecasts (model_version, series_id, entity_code, measure, date, mean, lo80, hi80, lo95, hi95, generated_at) VALUES
        ('demand-000001', 'destination/cusco/travellers', 'cusco', 'travellers', '2024-05-01', 4, 3, 6, 2, 8, '2024-04-28 00:00:00'),
        ('demand-000001', 'destination/cusco/travellers', 'cusco', 'travellers', '2024-05-02', 1, 0, 2, 0, 3, '2024-04-28 00:00:00')`,
    });
    await refreshMarts(ch);
    // 2024-05-01: booking 1 (2 travellers) still stands, booking 2 was cancelled since; 2024-05-02: nothing booked.
    const rows = await queryRows(ch, "SELECT destination, measure, horizon, days, forecast, actual, abs_error, within_80 FROM mart_forecast_accuracy WHERE model_version = 'demand-000001'");
    assert.deepEqual(rows, [{ destination: 'cusco', measure: 'travellers', horizon: '1-7', days: 2, forecast: 5, actual: 2, abs_error: 3, within_80: 1 }]);
  });

  it('recommendation coverage, and recommended trips booked after the batch', async () => {
    await ch.command({
      query: `INSERT INTO customer_recommendations (model_version, customer_id, rank, itinerary_id, score, generated_at) VALUES
        ('recommender-000001', 1, 1, 1, 0.9, '2025-06-01 00:00:00'), ('recommender-000001', 1, 2, 2, 0.5, '2025-06-01 00:00:00'),
        ('recommender-000001', 2, 1, 1, 0.8, '2025-06-01 00:00:00')`,
    });
    await refreshMarts(ch);
    const rows = await queryRows(ch, 'SELECT rank, customers, itineraries, booked, customers_total, catalogue_size FROM mart_recommendation_coverage ORDER BY rank');
    // Customer 1 booked itinerary 1 on 2025-06-15, after the batch: a hit at rank 1.
    assert.deepEqual(rows, [
      { rank: 1, customers: 2, itineraries: 1, booked: 1, customers_total: 2, catalogue_size: 2 },
      { rank: 2, customers: 1, itineraries: 1, booked: 0, customers_total: 2, catalogue_size: 2 },
    ]);
  });
});
