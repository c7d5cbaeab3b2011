import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedPostgresUrl, freshDatabase, quietLog, type TestDatabase } from '../../test/support/services.ts';
import { createApiMetrics } from '../metrics/api-metrics.ts';
import { bookingSystemSources } from './booking-system-sources.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { addDays } from '../http/date-window.ts';

/**
 * During a warehouse outage every request that misses it reads the booking system: requests asking the same at the
 * same time (the default window's seats) share one query (found by a review: each ran its own, on the pool that
 * auth and consent use too), and nothing is remembered once it has answered.
 */
let db: TestDatabase;
let queries = 0;
// Departures a month ahead (Lima's day): one that has left is never offered, so fixed dates would stop answering.
const day = (n: number) => addDays(limaToday(), 30 + n);
before(async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'booking_system_reads');
  await db.pool.query(`CREATE TABLE departures (id bigint PRIMARY KEY, itinerary_id bigint NOT NULL, departure_date date NOT NULL, status text NOT NULL, seats_sold int NOT NULL, capacity int NOT NULL)`);
  await db.pool.query(`INSERT INTO departures VALUES (1, 7, $1, 'scheduled', 4, 12), (2, 8, $1, 'scheduled', 12, 12), (3, 9, $2, 'cancelled', 0, 12)`, [day(2), day(3)]);
  // The real pool, its queries counted.
  const query = db.pool.query.bind(db.pool);
  db.pool.query = ((...args: Parameters<typeof query>) => {
    queries++;
    return query(...args);
  }) as typeof db.pool.query;
});
after(async () => db?.drop());

test('requests asking for the same seats at once share one query, and a later one asks again', async () => {
  const sources = bookingSystemSources(db.pool, createApiMetrics(), quietLog);
  queries = 0;
  const answers = await Promise.all(Array.from({ length: 8 }, () => sources.availableItineraries(day(0), day(4))));
  assert.equal(queries, 1);
  for (const answer of answers) assert.deepEqual(answer, ['7']);
  assert.deepEqual(await sources.availableItineraries(day(0), day(4)), ['7']);
  assert.equal(queries, 2, 'nothing is remembered once answered: the booking system is read as it is now');
  await Promise.all([sources.availableItineraries(day(0), day(4)), sources.availableItineraries(day(2), day(2))]);
  assert.equal(queries, 4, 'another window is another query');
});

test('offers no departure that has left: a window reaching into the past has seats from today (Lima\'s day) only', async () => {
  const sources = bookingSystemSources(db.pool, createApiMetrics(), quietLog);
  const today = limaToday();
  await db.pool.query(`INSERT INTO departures VALUES (4, 20, $1, 'scheduled', 2, 12), (5, 21, $2, 'scheduled', 2, 12), (6, 22, $3, 'scheduled', 2, 12)`, [addDays(today, -1), today, addDays(today, 1)]);
  assert.deepEqual((await sources.availableItineraries(addDays(today, -7), addDays(today, 7))).sort(), ['21', '22'], 'yesterday\'s departure has left');
  assert.deepEqual(await sources.availableItineraries(addDays(today, -7), addDays(today, -1)), [], 'a window wholly past has none');
});
