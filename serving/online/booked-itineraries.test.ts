import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../../test/support/services.ts';
import { insertRows, rows } from '../../test/worlds/warehouse-rows.ts';
import { warehouseSources } from './warehouse-sources.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { addDays } from '../http/date-window.ts';

/**
 * "None the customer took" is every trip they booked and did not cancel, whenever it departs: a trip booked after the
 * served model was trained, departing outside the window asked about, is still one they took (found by a review:
 * only bookings departing in the window were left out).
 */
describe('the itineraries a customer booked', () => {
  let clickhouse: ClickHouseClient;
  before(async () => {
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'booked_itineraries');
    await migrateWarehouse(clickhouse, quietLog);
    await insertRows(clickhouse, 'bookings', [
      rows.booking({ id: 1, customer: 81, itinerary: 46, destination: 1, bookedAt: '2027-01-05', departure: '2027-09-20', party: 2, price: 3000 }),
      rows.booking({ id: 2, customer: 81, itinerary: 12, destination: 1, bookedAt: '2027-01-06', departure: '2027-07-12', party: 2, price: 2000 }),
      rows.booking({ id: 3, customer: 81, itinerary: 30, destination: 1, bookedAt: '2027-01-07', departure: '2027-07-11', party: 2, price: 2000, cancelledAt: '2027-01-09' }),
      rows.booking({ id: 4, customer: 82, itinerary: 51, destination: 1, bookedAt: '2027-01-07', departure: '2027-07-11', party: 2, price: 2000 }),
    ]);
  });

  it('are all their bookings not cancelled, whatever the departure date', async () => {
    const booked = await warehouseSources(clickhouse).bookedItineraries(81);
    assert.deepEqual([...booked].sort(), ['12', '46'], 'the trip departing in September is one they took; the cancelled one is not; another customer\'s is not theirs');
  });
});

/**
 * The warehouse's itineraries with seats, what recommendations offer: a departure that has left (before Lima's today)
 * has none to offer, whatever window is asked about (found by a review: a window reaching into the past offered them).
 */
describe('the itineraries with seats in a window', () => {
  let clickhouse: ClickHouseClient;
  const today = limaToday();
  const departure = (id: number, itinerary: number, date: string) => ({
    id, itinerary_id: itinerary, departure_date: date, capacity: 12, seats_sold: 2, status: 'scheduled', created_at: '2020-01-01 10:00:00', updated_at: '2020-01-01 10:00:00',
  });
  before(async () => {
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'available_itineraries');
    await migrateWarehouse(clickhouse, quietLog);
    await insertRows(clickhouse, 'departures', [departure(1, 20, addDays(today, -1)), departure(2, 21, today), departure(3, 22, addDays(today, 1))]);
  });

  it('are those departing from today on', async () => {
    const sources = warehouseSources(clickhouse);
    assert.deepEqual((await sources.availableItineraries(addDays(today, -7), addDays(today, 7))).sort(), ['21', '22'], "yesterday's departure has left");
    assert.deepEqual(await sources.availableItineraries(addDays(today, -7), addDays(today, -1)), [], 'a window wholly past has none');
  });
});
