import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { InputError } from '../platform/errors.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../test/support/services.ts';
import { CUSTOMER_FEATURE_SETTINGS, customerFeaturesFor, customerFeaturesSql } from './customer-features.ts';
import { chDateTime, queryRows } from './warehouse-query.ts';
import { insertRows, rows } from '../test/worlds/warehouse-rows.ts';

/**
 * Customer 1 (a party aged 45, 40 and 12) booked three trips: 3 travellers for USD 3,000 sixty days ahead,
 * 2 for USD 3,000 twenty days ahead, 4 for USD 2,000 ninety days ahead (cancelled on 2025-02-01), and rated the
 * first two 5 and 3. Customer 2 never booked.
 */
describe('customer features', () => {
  let client: ClickHouseClient;

  before(async () => {
    ({ client } = await testClickHouse());
    await useClickHouseDatabase(client, 'customer_features_test');
    await migrateWarehouse(client, quietLog);
    await insertRows(client, 'destinations', [rows.destination(1, 'cusco')]);
    await insertRows(client, 'itineraries', [rows.itinerary(1, 1)]);
    const customers = [rows.customer(1, [45, 40, 12]), rows.customer(2, [30])];
    await insertRows(client, 'customers', customers.map(({ profile: _, ...c }) => c));
    await insertRows(client, 'customer_group_profiles', customers.map((c) => c.profile));
    const b = (id: number, bookedAt: string, departure: string, party: number, price: number, cancelledAt?: string) =>
      rows.booking({ id, customer: 1, itinerary: 1, destination: 1, bookedAt, departure, party, price, cancelledAt });
    await insertRows(client, 'bookings', [
      b(1, '2024-01-01', '2024-03-01', 3, 3000),
      b(2, '2024-06-01', '2024-06-21', 2, 3000),
      b(3, '2025-01-01', '2025-04-01', 4, 2000, '2025-02-01'),
    ]);
    await insertRows(client, 'booking_status_history', [rows.cancellation(1, 3, '2025-02-01')]);
    await insertRows(client, 'ratings', [rows.rating(1, 1, 1, 1, 5, '2024-03-10'), rows.rating(2, 2, 1, 1, 3, '2024-07-01')]);
  });

  const close = (actual: number, expected: number, name: string) => assert.ok(Math.abs(actual - expected) < 1e-9, `${name}: ${actual}, expected ${expected}`);

  it('computes the history as it stood at a moment', async () => {
    const now = await customerFeaturesFor(client, 1, new Date('2025-03-01T00:00:00Z'));
    assert.ok(now?.hasHistory);
    const v = now!.values;
    close(v.age, 45, 'age');
    close(v.avg_budget, (1000 + 1500 + 500) / 3, 'avg_budget');
    close(v.avg_group_size, 3, 'avg_group_size');
    close(v.advance_booking_days, (60 + 20 + 90) / 3, 'advance_booking_days');
    close(v.cancellation_rate, 1 / 3, 'cancellation_rate');
    close(v.satisfaction, 4, 'satisfaction');
    // Two trips that stood, over the 425 days since the first booking.
    close(v.travel_frequency, 2 / ((Date.parse('2025-03-01T00:00:00Z') - Date.parse('2024-01-01T10:00:00Z')) / (365.25 * 86_400_000)), 'travel_frequency');

    const early = (await customerFeaturesFor(client, 1, new Date('2024-05-01T00:00:00Z')))!.values;
    close(early.travel_frequency, 1, 'one trip in the first year counts as one a year');
    close(early.avg_budget, 1000, 'avg_budget before the second trip');
    close(early.satisfaction, 5, 'only the first rating was given');
    close(early.cancellation_rate, 0, 'no cancellation yet');
  });

  it('lists only customers who had booked, and gives a newcomer NaN but their age', async () => {
    const all = await queryRows<{ customer_id: string }>(client, customerFeaturesSql(), { asOf: chDateTime(new Date('2025-03-01T00:00:00Z')) }, CUSTOMER_FEATURE_SETTINGS);
    assert.deepEqual(all.map((r) => Number(r.customer_id)), [1]);
    const newcomer = await customerFeaturesFor(client, 2, new Date('2025-03-01T00:00:00Z'));
    assert.equal(newcomer?.hasHistory, false);
    assert.equal(newcomer?.values.age, 30);
    assert.ok(Number.isNaN(newcomer!.values.avg_budget) && Number.isNaN(newcomer!.values.satisfaction));
    assert.equal(await customerFeaturesFor(client, 77, new Date()), undefined);
    await assert.rejects(customerFeaturesFor(client, -1), (err: unknown) => err instanceof InputError && err.field === 'customerId');
  });
});
