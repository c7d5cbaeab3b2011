import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import { itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import { recommendItineraries } from './recommendations.ts';

/**
 * A cold warehouse (or a loaded box) makes the availability and booked-list lookups miss their 50 ms. The rules
 * still hold (found by a review: nothing was filtered, and a cold call offered itineraries with no departure in the
 * window and one the customer had booked): seats come from the catalogue in memory, listed as defaulted, and the
 * booked list is waited for — without it there is no answer.
 */
const { interactions, items, model } = await servedRecommender({ customers: 200, itineraries: 40, eventsPerCustomer: 6, seed: 5 });
const customer = interactions[0].userId;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every other itinerary departs on 12 July with seats; the rest are full that day or depart in August only. */
const withSeats = new Set(items.filter((_, n) => n % 2 === 0).map((i) => i.itemId));
const catalogue = await itineraryCatalogue(items, {
  departures: () =>
    items.map((i, n) => ({
      id: n + 1, itineraryId: Number(i.itemId), date: n % 4 === 3 ? '2027-08-02' : '2027-07-12', capacity: 12, seatsSold: withSeats.has(i.itemId) ? 4 : 12, status: 'scheduled',
    })),
});

/** The trips this customer would be offered first, which they booked since the model was trained. */
const booked = model.recommend(customer, 3, { ...SERVED_RULES, available: withSeats }).map((r) => r.itemId);

function coldContext(bookedItineraries: () => Promise<string[]>) {
  return recommendationContext(
    model,
    catalogue,
    {
      // The warehouse, cold: its answers come after the timeout.
      availableItineraries: async () => (await sleep(400), items.map((i) => i.itemId)),
      bookedItineraries,
    },
    { timeoutMs: 50 },
  );
}

test('a cold call offers only itineraries with seats in the window, as the catalogue holds them, and none the customer booked', async () => {
  const ctx = coldContext(async () => (await sleep(200), booked));
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), k: 5, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => !withSeats.has(id)), [], 'no itinerary without seats in the window');
  assert.deepEqual(offered.filter((id) => booked.includes(id)), [], `booked ${booked.join(', ')}`);
  assert.deepEqual(answer.defaultedFeatures, ['availability'], 'seats from the catalogue are still a default; the booked list was waited for');
});

test('without the customer\'s booked list there is no answer, rather than one offering their trips again', async () => {
  const ctx = coldContext(async () => {
    throw new Error('ClickHouse is away');
  });
  await assert.rejects(recommendItineraries(ctx, { customerId: Number(customer), k: 5, from: '2027-07-10', to: '2027-07-14' }), StoreUnavailableError);
});
