import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_TTL_MS, REFRESH_AFTER } from '../online/feature-cache.ts';
import type { ServingContext } from '../context.ts';
import type { ServingSources } from '../online/sources.ts';
import { itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import { recommendItineraries } from './recommendations.ts';
import { itineraryCard } from './itinerary-cards.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { addDays } from '../http/date-window.ts';

const { interactions, items, model } = await servedRecommender({ customers: 300, itineraries: 60, eventsPerCustomer: 8, seed: 4 });
const customer = Number(interactions[0].userId);

/**
 * Days from a month ahead (Lima's day): serving offers no departure that has left, so fixed dates would stop being
 * offered once the calendar passed them.
 */
const DAY0 = addDays(limaToday(), 30);
const day = (n: number) => addDays(DAY0, n);

/** The catalogue in memory for the world: one departure a week from DAY0, a seat left every other one. */
const catalogue = await itineraryCatalogue(items, {
  departures: () =>
    items.flatMap((i) =>
      Array.from({ length: 6 }, (_, w) => ({ id: Number(i.itemId) * 100 + w, itineraryId: Number(i.itemId), date: day(7 * w), capacity: 12, seatsSold: w % 2 === 0 ? 12 : 9, status: 'scheduled' })),
    ),
});

/**
 * The serving context the function reads, over the real in-process cache with a clock the test moves. Every customer
 * here consents; withheld personalisation is exercised end to end in test/privacy. The booking system's booked list
 * is the warehouse's (nothing booked since the last ingest; booked-since-ingest.test.ts has what differs).
 */
function context(sources: Partial<ServingSources>, now: () => number, bookedNow = sources.bookedItineraries) {
  return recommendationContext(model, catalogue, sources, { now, bookingSystem: bookedNow && { bookedNow } });
}

test('leaves out what the customer took, offers another length of it as such; every item is a card', async () => {
  const available = items.map((i) => i.itemId);
  const ctx = context({ availableItineraries: async () => available, bookedItineraries: async () => [], customerCountry: async () => 'DE' }, () => 1_000_000);
  const customers = [...new Set(interactions.map((e) => Number(e.userId)))].slice(0, 60);
  let twins = 0;
  for (const id of customers) {
    const taken = new Set(model.interactedItems(String(id)));
    const { answer } = await recommendItineraries(ctx, { customerId: id, k: 10, from: DAY0, to: day(180) });
    assert.equal(answer.items.length, 10);
    for (const item of answer.items) assert.ok(!taken.has(String(item.itineraryId)), `customer ${id} is offered ${item.itineraryId}, which they took`);
    for (const item of answer.items) {
      const card = items.find((i) => Number(i.itemId) === item.itineraryId)!;
      // Another length is the same trip (its name, at the destination) for another number of days; a different
      // trip sharing a theme was called "another length" of it, often of the same length.
      const trip = (name: string) => name.replace(/ \d+D [a-z]+$/, ''); // this world's names: "<trip> 4D superior"
      const twin = [...taken].map((t) => items.find((i) => i.itemId === t)!).find((t) => t.destination === card.destination && trip(t.name!) === trip(card.name!) && t.durationDays !== card.durationDays);
      assert.equal(item.nearDuplicateOf, twin ? Number(twin.itemId) : null, `${card.name} after ${[...taken].join(',')}`);
      if (!twin) {
        assert.doesNotMatch(item.explanation, /another length/, `${card.name}: ${item.explanation}`);
        continue;
      }
      twins++;
      assert.equal(item.explanation, `another length of ${twin.name}, which you ${item.explanation.split(', which you ')[1]}`);
    }
  }
  assert.ok(twins > 0, 'some customer was offered another length of a trip they took');

  const { answer } = await recommendItineraries(ctx, { customerId: customers[0], k: 3, from: day(9), to: day(180) });
  const item = answer.items[0];
  const described = items.find((i) => Number(i.itemId) === item.itineraryId)!;
  assert.deepEqual([item.name, item.days, item.serviceLevel, item.destination.code, item.priceFrom], [described.name, described.durationDays, described.serviceLevel, described.destination, described.price ?? null]);
  assert.deepEqual(item.nextDepartures.map((d) => [d.date, d.seatsLeft]), [[day(21), 3], [day(35), 3]], 'the next departures with seats left, from the window');
});

test('a repeated read with every input cached is the remembered answer; new inputs make a new one', async () => {
  let now = 1_000_000;
  let booked: string[] = [];
  const available = items.map((i) => i.itemId);
  const calls = { available: 0, booked: 0 };
  // The warehouse's booked list is as of the last ingest; the booking system's is the customer's now.
  let ingested: string[] = [];
  const ctx = context(
    {
      availableItineraries: async () => (calls.available++, available),
      bookedItineraries: async () => (calls.booked++, [...ingested]),
      customerCountry: async () => 'DE',
    },
    () => now,
    async () => [...booked],
  );
  const query = { customerId: customer, k: 5, from: DAY0, to: day(180) };
  const first = await recommendItineraries(ctx, query);
  const again = await recommendItineraries(ctx, query);
  assert.equal(first.answer.personal, true, 'a customer the model knows');
  assert.equal(again, first, 'the same inputs from the cache give the remembered answer');
  assert.notEqual(await recommendItineraries(ctx, { ...query, k: 3 }), first, 'another k is another answer');
  assert.equal((await recommendItineraries(ctx, { ...query, k: 3 })).answer.items.length, 3);

  // The customer books the first recommendation: gone at once, before any ingest, though the warehouse's list is cached.
  booked = [String(first.answer.items[0].itineraryId)];
  now += 1;
  const fresh = await recommendItineraries(ctx, query);
  assert.notEqual(fresh, first);
  assert.ok(!fresh.answer.items.some((item) => item.itineraryId === first.answer.items[0].itineraryId), 'the booked itinerary is no longer recommended');
  assert.equal(calls.booked, 1, 'the warehouse was not asked again');
  // Once an ingest brought the booking to the warehouse and the cached list expired, answers are remembered again.
  ingested = [...booked];
  now += FEATURE_TTL_MS.availability + 1;
  const settled = await recommendItineraries(ctx, query);
  assert.deepEqual(settled.answer.items, fresh.answer.items);
  assert.equal(await recommendItineraries(ctx, query), settled, 'the same inputs from the cache give the remembered answer');
  assert.equal(calls.booked, 2);
});

test('the remembered answer outlives its inputs\' time-to-live while refreshes bring the same inputs back', async () => {
  let now = 1_000_000;
  const available = items.map((i) => i.itemId);
  const calls = { available: 0, booked: 0 };
  const ctx = context(
    {
      // Each query answers new arrays, as the warehouse does.
      availableItineraries: async () => (calls.available++, [...available]),
      bookedItineraries: async () => (calls.booked++, []),
      customerCountry: async () => 'DE',
    },
    () => now,
    async () => [],
  );
  const query = { customerId: customer, k: 5, from: DAY0, to: day(180) };
  const first = await recommendItineraries(ctx, query);
  for (let cycle = 0; cycle < 3; cycle++) {
    now += REFRESH_AFTER * FEATURE_TTL_MS.availability;
    assert.equal(await recommendItineraries(ctx, query), first);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(calls.booked, 4, 'refreshed three times');
  assert.equal(calls.available, 4);
  now += FEATURE_TTL_MS.availability / 2;
  assert.equal(await recommendItineraries(ctx, query), first, 'past the first lists\' time-to-live, still the remembered answer');
});

test('a remembered answer is not served past a catalogue load: its cards show the seats left now (found by a review)', async () => {
  // One departure in the window for every itinerary; seats are sold between two loads of the catalogue.
  let seatsSold = 3;
  const selling = await itineraryCatalogue(items, {
    departures: () => items.map((i) => ({ id: Number(i.itemId), itineraryId: Number(i.itemId), date: day(68), capacity: 12, seatsSold, status: 'scheduled' })),
  });
  const available = items.map((i) => i.itemId);
  // The warehouse's lists are the same objects on every read, as the cache keeps them while they do not change.
  const ctx = { ...context({ availableItineraries: async () => available, bookedItineraries: async () => [], customerCountry: async () => 'DE' }, () => 1_000_000), catalogue: selling } as ServingContext;
  const query = { customerId: customer, k: 3, from: day(59), to: day(89) };
  const first = await recommendItineraries(ctx, query);
  assert.equal(first.answer.items[0].nextDepartures[0].seatsLeft, 9);
  assert.equal(await recommendItineraries(ctx, query), first, 'the same load: the remembered answer');
  seatsSold = 10;
  await selling.refresh();
  const after = await recommendItineraries(ctx, query);
  assert.notEqual(after, first);
  assert.deepEqual(after.answer.items.map((item) => item.nextDepartures[0].seatsLeft), [2, 2, 2], 'the seats left as the catalogue now holds them');
});

test('a window reaching into the past is answered from today: no departure that has left is offered, in the cards or from the catalogue\'s seats', async () => {
  const today = limaToday();
  // Every itinerary had a departure yesterday with seats left (the catalogue holds the past week); every other one departs in three days too.
  const departing = new Set(items.filter((_, n) => n % 2 === 1).map((i) => i.itemId));
  const recent = await itineraryCatalogue(items, {
    departures: () =>
      items.flatMap((i, n) => [
        { id: 2 * n + 1, itineraryId: Number(i.itemId), date: addDays(today, -1), capacity: 12, seatsSold: 4, status: 'scheduled' },
        ...(departing.has(i.itemId) ? [{ id: 2 * n + 2, itineraryId: Number(i.itemId), date: addDays(today, 3), capacity: 12, seatsSold: 4, status: 'scheduled' }] : []),
      ]),
  });
  // Both stores away: seats are the catalogue's.
  const away = async (): Promise<never> => {
    throw new Error('ClickHouse is away');
  };
  const ctx = { ...context({ availableItineraries: away, bookedItineraries: async () => [], customerCountry: async () => 'DE' }, () => 1_000_000), catalogue: recent } as ServingContext;
  const { answer } = await recommendItineraries(ctx, { customerId: customer, k: 5, from: addDays(today, -10), to: addDays(today, 10) });
  assert.deepEqual(answer.window, { from: today, to: addDays(today, 10) });
  assert.deepEqual(answer.defaultedFeatures, ['availability']);
  assert.equal(answer.items.length, 5);
  assert.deepEqual(answer.items.map((item) => String(item.itineraryId)).filter((id) => !departing.has(id)), [], 'only itineraries departing from today on');
  for (const item of answer.items) assert.deepEqual(item.nextDepartures.map((d) => d.date), [addDays(today, 3)], `itinerary ${item.itineraryId}: yesterday's departure has left`);
  // A card asked from a past day never shows a departure that has left either (today by the catalogue's clock).
  assert.equal(recent.today(), today);
  assert.deepEqual(itineraryCard(recent.itinerary(Number([...departing][0]))!, addDays(today, -10), recent.today()).nextDepartures.map((d) => d.date), [addDays(today, 3)]);
});
