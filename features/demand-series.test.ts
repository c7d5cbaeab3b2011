import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../test/support/services.ts';
import { demandSeriesParams, demandSeriesSql } from './demand-series.ts';
import { queryRows } from './warehouse-query.ts';
import { insertRows, rows } from '../test/worlds/warehouse-rows.ts';

/**
 * Demand series on a handful of bookings whose counts can be done by hand: Cusco's tour IT1 and Lima's IT2;
 * 2025-01-06 is a Monday.
 */
describe('demand series', () => {
  let client: ClickHouseClient;
  const series = async (asOf: string) => {
    const out = await queryRows<{ frequency: string; series_id: string; date: string; value: number }>(
      client,
      `SELECT frequency, series_id, toString(date) AS date, value FROM (${demandSeriesSql()}) ORDER BY frequency, series_id, date`,
      demandSeriesParams(new Date(asOf)),
    );
    const by = (frequency: string, id: string) => out.filter((r) => r.frequency === frequency && r.series_id === id);
    return { out, by };
  };

  before(async () => {
    ({ client } = await testClickHouse());
    await useClickHouseDatabase(client, 'demand_series_test');
    await migrateWarehouse(client, quietLog);
    await insertRows(client, 'destinations', [rows.destination(1, 'cusco'), rows.destination(2, 'lima')]);
    await insertRows(client, 'itineraries', [rows.itinerary(1, 1), rows.itinerary(2, 2)]);
    const b = (id: number, itinerary: number, bookedAt: string, party: number, cancelledAt?: string) =>
      rows.booking({ id, customer: 1, itinerary, destination: itinerary, bookedAt, departure: '2025-06-01', party, price: 1000, cancelledAt });
    await insertRows(client, 'bookings', [
      b(1, 1, '2025-01-06', 2),
      b(2, 1, '2025-01-06 18:00:00', 3),
      b(3, 1, '2025-01-08', 1),
      b(4, 1, '2025-01-20', 4, '2025-01-25'),
      b(5, 2, '2025-02-03', 2),
      b(6, 1, '2025-02-10 09:00:00', 5),
    ]);
    await insertRows(client, 'booking_status_history', [rows.cancellation(1, 4, '2025-01-25')]);
  });

  it('has every day from the first booking to the last complete day, with zeros', async () => {
    const { by } = await series('2025-02-10T12:00:00Z');
    const bookings = by('daily', 'destination/cusco/bookings');
    assert.equal(bookings.length, 35, 'from 2025-01-06 to 2025-02-09: the 10th is not over');
    assert.equal(bookings[0].date, '2025-01-06');
    assert.equal(bookings.at(-1)!.date, '2025-02-09');
    assert.deepEqual(bookings.filter((r) => r.value > 0).map((r) => [r.date, r.value]), [['2025-01-06', 2], ['2025-01-08', 1]]);
    const travellers = by('daily', 'destination/cusco/travellers');
    assert.equal(travellers.reduce((s, r) => s + r.value, 0), 6, 'the booking cancelled on the 25th does not count');
    assert.deepEqual(by('daily', 'destination/lima/bookings').map((r) => r.value), [1, 0, 0, 0, 0, 0, 0]);
  });

  it('counts a booking until its cancellation is known', async () => {
    const { by } = await series('2025-01-22T00:00:00Z');
    const day = by('daily', 'destination/cusco/travellers').find((r) => r.date === '2025-01-20');
    assert.equal(day?.value, 4);
  });

  it('sums complete weeks from Monday per destination and complete months per itinerary', async () => {
    const { by, out } = await series('2025-02-10T12:00:00Z');
    assert.deepEqual(by('weekly', 'destination/cusco/bookings').map((r) => [r.date, r.value]), [['2025-01-06', 3], ['2025-01-13', 0], ['2025-01-20', 0], ['2025-01-27', 0], ['2025-02-03', 0]]);
    assert.deepEqual(by('weekly', 'destination/lima/travellers').map((r) => [r.date, r.value]), [['2025-02-03', 2]]);
    assert.deepEqual(by('monthly', 'itinerary/IT1/travellers').map((r) => [r.date, r.value]), [['2025-01-01', 6]]);
    assert.equal(out.filter((r) => r.series_id === 'itinerary/IT2/bookings').length, 0, 'February is not complete');
  });
});
