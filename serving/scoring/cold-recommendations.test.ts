import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import type { BookingSystemSources } from '../online/booking-system-sources.ts';
import { BEFORE_JULY_2027, itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import { FALLBACK_WAIT_MS, recommendItineraries } from './recommendations.ts';

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
  now: BEFORE_JULY_2027,
  departures: () =>
    items.map((i, n) => ({
      id: n + 1, itineraryId: Number(i.itemId), date: n % 4 === 3 ? '2027-08-02' : '2027-07-12', capacity: 12, seatsSold: withSeats.has(i.itemId) ? 4 : 12, status: 'scheduled',
    })),
});

/** The trips this customer would be offered first, which they booked since the model was trained. */
const booked = model.recommend(customer, 3, { ...SERVED_RULES, available: withSeats }).map((r) => r.itemId);

function coldContext(bookedItineraries: () => Promise<string[]>, bookingSystem: Partial<BookingSystemSources> = {}, availableItineraries = async () => (await sleep(400), items.map((i) => i.itemId))) {
  return recommendationContext(
    model,
    catalogue,
    {
      // The warehouse, cold: its answers come after the timeout.
      availableItineraries,
      bookedItineraries,
      customerCountry: async () => 'BR',
    },
    { timeoutMs: 50, bookingSystem },
  );
}

const window = { k: 5, from: '2027-07-10', to: '2027-07-14' };
const slowBooked = async () => (await sleep(400), booked);

test('a cold call reads the booking system: only itineraries with seats in the window there, none the customer booked, nothing defaulted', async () => {
  const ctx = coldContext(slowBooked, { availableItineraries: async () => [...withSeats], bookedNow: async () => booked });
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), ...window });
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => !withSeats.has(id)), [], 'no itinerary without seats in the window');
  assert.deepEqual(offered.filter((id) => booked.includes(id)), [], `booked ${booked.join(', ')}`);
  assert.deepEqual(answer.defaultedFeatures, []);
});

test('with seats from neither store, they come from the catalogue as it holds them, listed as defaulted', async () => {
  const ctx = coldContext(slowBooked, { bookedNow: async () => booked }, async () => {
    throw new Error('ClickHouse is away');
  });
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

/** A read that never answers: a booking system whose connections hang. */
const never = () => new Promise<never>(() => undefined);

test('with the booking system away, the warehouse answering late still gives the answer (found by a review: a 503)', async () => {
  const ctx = coldContext(async () => (await sleep(150), booked));
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), ...window });
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.equal(offered.length, 5);
  assert.deepEqual(offered.filter((id) => booked.includes(id)), [], `booked ${booked.join(', ')}`);
  assert.deepEqual(answer.defaultedFeatures, []);
});

test('a booking system that hangs does not hold up what the warehouse answers a moment later', async () => {
  const ctx = coldContext(async () => (await sleep(150), booked), { availableItineraries: never, bookedNow: never, customerCountry: never }, async () => (await sleep(150), [...withSeats]));
  const started = performance.now();
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), ...window });
  assert.ok(performance.now() - started < FALLBACK_WAIT_MS, `answered in ${Math.round(performance.now() - started)} ms, not after waiting out the booking system`);
  assert.deepEqual(answer.items.map((item) => String(item.itineraryId)).filter((id) => booked.includes(id) || !withSeats.has(id)), []);
});

test('a customer the warehouse does not know yet is not offered what they booked since (their bookings are read in the booking system)', async () => {
  const newcomer = 880_001;
  const warm = (bookedSince: string[]) =>
    recommendationContext(
      model,
      catalogue,
      // The warehouse, in time: it has no such customer, so no bookings either.
      { availableItineraries: async () => [...withSeats], bookedItineraries: async () => [], customerCountry: async () => null },
      { timeoutMs: 50, bookingSystem: { newCustomerCountry: async () => 'BR', bookedNow: async () => bookedSince } },
    );
  const first = (await recommendItineraries(warm([]), { customerId: newcomer, ...window })).answer.items.map((item) => String(item.itineraryId));
  const took = first.slice(0, 2);
  const { answer } = await recommendItineraries(warm(took), { customerId: newcomer, ...window });
  assert.deepEqual(answer.items.map((item) => String(item.itineraryId)).filter((id) => took.includes(id)), [], `booked ${took.join(', ')}`);
});
