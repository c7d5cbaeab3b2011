import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { insertRows, rows } from '../../test/worlds/warehouse-rows.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../../test/support/services.ts';
import { BEFORE_JULY_2027, itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import type { OnlineCatalogue } from '../online/catalogue.ts';
import { warehouseSources } from '../online/warehouse-sources.ts';
import { recommendItineraries } from './recommendations.ts';

/**
 * A customer without consent (or erased) gets what customers like them book, not their own history — but leaving
 * out the trips they already took is a filter, not personalisation. Their bookings come from the warehouse whatever
 * the departure date (found by a review: a withheld customer was offered popular trips they had booked, since the
 * model's history is not asked for them and only bookings departing in the window were read).
 */
const { items, model } = await servedRecommender({ customers: 200, itineraries: 40, eventsPerCustomer: 6, seed: 7 });

/** A customer the booking system has and the model does not; they withdrew consent. */
const CUSTOMER = 90_001;

let clickhouse: ClickHouseClient;
let catalogue: OnlineCatalogue;
/** The trips everybody is offered first, which this customer booked: departing in September, after the window. */
let popularBooked: string[];

before(async () => {
  clickhouse = (await testClickHouse()).client;
  await useClickHouseDatabase(clickhouse, 'withheld_customer_bookings');
  await migrateWarehouse(clickhouse, quietLog);
  popularBooked = model.recommend('not-personal', 3, SERVED_RULES).map((r) => r.itemId);
  const { profile: _profile, ...customer } = rows.customer(CUSTOMER);
  await insertRows(clickhouse, 'customers', [customer]);
  await insertRows(clickhouse, 'bookings', popularBooked.map((itemId, n) => rows.booking({ id: n + 1, customer: CUSTOMER, itinerary: Number(itemId), destination: 1, bookedAt: '2027-01-05', departure: '2027-09-20', party: 2, price: 1 })));
  catalogue = await itineraryCatalogue(items, { now: BEFORE_JULY_2027 });
});

test('a customer without consent is not offered the trips they booked, whatever their departure date', async () => {
  const ctx = recommendationContext(
    model,
    catalogue,
    // Bookings and home market from the warehouse; every itinerary has seats in July.
    { ...warehouseSources(clickhouse), availableItineraries: async () => items.map((i) => i.itemId) },
    { timeoutMs: 20_000, consent: { allows: (id: number) => id !== CUSTOMER, known: true } },
  );
  const { answer } = await recommendItineraries(ctx, { customerId: CUSTOMER, k: 5, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.personal, false);
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => popularBooked.includes(id)), [], `booked ${popularBooked.join(', ')}; offered ${offered.join(', ')}`);
});
