import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from '../../platform/errors.ts';
import { embeddedPostgresUrl, freshDatabase, type TestDatabase } from '../../test/support/services.ts';
import { BEFORE_JULY_2027, itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import type { ServingContext } from '../context.ts';
import { recommendItineraries } from './recommendations.ts';

/**
 * A customer id nobody has is 404 even when the warehouse does not answer in time: the booking system is asked
 * (found by a review: a timed-out lookup made an unknown customer a 200 with popular itineraries), and its answer
 * is the customer's home market.
 */
const { items, model } = await servedRecommender({ customers: 100, itineraries: 30, eventsPerCustomer: 6, seed: 3 });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** New to the booking system: not yet in the warehouse, unknown to the model. */
const NEW_CUSTOMER = 90_002;
const NOBODY = 987_654_321;

let db: TestDatabase;
let ctx: ServingContext;
before(async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'unknown_customer');
  await db.pool.query('CREATE TABLE customers (id bigint PRIMARY KEY, country char(2) NOT NULL)');
  await db.pool.query(`INSERT INTO customers (id, country) VALUES ($1, 'BR')`, [NEW_CUSTOMER]);
  // A customer unknown to the warehouse has their bookings read here too (none yet).
  await db.pool.query('CREATE TABLE bookings (id bigint PRIMARY KEY, customer_id bigint NOT NULL, itinerary_id bigint, status text NOT NULL)');
  ctx = recommendationContext(
    model,
    await itineraryCatalogue(items, { now: BEFORE_JULY_2027 }),
    {
      availableItineraries: async () => items.map((i) => i.itemId),
      bookedItineraries: async () => [],
      // The warehouse, cold: the home market (which says whether it knows the customer) comes after the timeout.
      customerCountry: async () => (await sleep(300), null),
    },
    { timeoutMs: 50, pg: db.pool },
  );
});
after(async () => db?.drop());

test('an id the booking system does not have is not found, although the warehouse did not answer in time', async () => {
  await assert.rejects(recommendItineraries(ctx, { customerId: NOBODY, k: 3, from: '2027-07-10', to: '2027-07-14' }), NotFoundError);
});

test('a customer the booking system has gets the cold-start list of their home market, read there', async () => {
  const { answer, features } = await recommendItineraries(ctx, { customerId: NEW_CUSTOMER, k: 3, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.items.length, 3);
  assert.equal(answer.personal, false);
  assert.equal(features.homeMarket, 'BR');
  assert.deepEqual(answer.defaultedFeatures, []);
});

test('a customer created since the last ingest is found in the booking system when the warehouse answers in time that it does not know them', async () => {
  const warm = recommendationContext(
    model,
    await itineraryCatalogue(items, { now: BEFORE_JULY_2027 }),
    { availableItineraries: async () => items.map((i) => i.itemId), bookedItineraries: async () => [], customerCountry: async () => null },
    { timeoutMs: 50, pg: db.pool },
  );
  const { answer, features } = await recommendItineraries(warm, { customerId: NEW_CUSTOMER, k: 3, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.items.length, 3);
  assert.equal(features.homeMarket, 'BR');
  // Asked again: the warehouse's "unknown", remembered for a day, does not make them unknown.
  assert.equal((await recommendItineraries(warm, { customerId: NEW_CUSTOMER, k: 3, from: '2027-07-10', to: '2027-07-14' })).features.homeMarket, 'BR');
  await assert.rejects(recommendItineraries(warm, { customerId: NOBODY, k: 3, from: '2027-07-10', to: '2027-07-14' }), NotFoundError);
});
