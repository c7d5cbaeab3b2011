import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import type { BookingSystemSources } from '../online/booking-system-sources.ts';
import { itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import { recommendItineraries } from './recommendations.ts';

/**
 * A cold warehouse (or a loaded box, or one that is away) makes the availability and booked-list lookups miss their
 * 50 ms. The rules still hold (found by a review: nothing was filtered, and a cold call offered itineraries with no
 * departure in the window and one the customer had booked): what the warehouse did not answer the booking system
 * does, and without the customer's booked list from either there is no answer.
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

function coldContext(bookedItineraries: () => Promise<string[]>, bookingSystem: Partial<BookingSystemSources> = {}) {
  return recommendationContext(
    model,
    catalogue,
    {
      // The warehouse, cold: its answers come after the timeout.
      availableItineraries: async () => (await sleep(400), items.map((i) => i.itemId)),
      bookedItineraries,
    },
    { timeoutMs: 50, bookingSystem },
  );
}

const window = { k: 5, from: '2027-07-10', to: '2027-07-14' };
const slowBooked = async () => (await sleep(400), booked);

test('a cold call reads the booking system: only itineraries with seats in the window there, none the customer booked, nothing defaulted', async () => {
  const ctx = coldContext(slowBooked, { availableItineraries: async () => [...withSeats], bookedItineraries: async () => booked });
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), ...window });
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => !withSeats.has(id)), [], 'no itinerary without seats in the window');
  assert.deepEqual(offered.filter((id) => booked.includes(id)), [], `booked ${booked.join(', ')}`);
  assert.deepEqual(answer.defaultedFeatures, []);
});

test('with seats from neither store, they come from the catalogue as it holds them, listed as defaulted', async () => {
  const ctx = coldContext(slowBooked, { bookedItineraries: async () => booked });
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), ...window });
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => !withSeats.has(id)), [], 'no itinerary without seats in the window');
  assert.deepEqual(offered.filter((id) => booked.includes(id)), [], `booked ${booked.join(', ')}`);
  assert.deepEqual(answer.defaultedFeatures, ['availability']);
});

test('without the customer\'s booked list from either store there is no answer, rather than one offering their trips again', async () => {
  const ctx = coldContext(async () => {
    throw new Error('ClickHouse is away');
  });
  await assert.rejects(recommendItineraries(ctx, { customerId: Number(customer), ...window }), (err: Error) => {
    assert.ok(err instanceof StoreUnavailableError);
    assert.match(err.message, /neither the warehouse nor the booking system/);
    return true;
  });
});
