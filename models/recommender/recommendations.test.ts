import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

const world = travelWorld({ customers: 1500, itineraries: 200, eventsPerCustomer: 10, seed: 4 });
const { train } = worldHoldout(world, new Date('2026-01-01T00:00:00Z'));
// Two itineraries nobody has interacted with yet: one with comparable itineraries, one unlike any other.
const twin = world.items.find((i) => i.destination === 'Cusco')!;
const newItems = [
  { ...twin, itemId: 'NEW-CUSCO', name: 'New Cusco tour' },
  { itemId: 'NEW-MARS', name: 'Mars base 3D', destination: 'Mars', serviceLevel: 'luxury', durationDays: 3, price: 100 },
];
const items = [...world.items, ...newItems];
// Customers known to the CRM but with no interactions yet.
const customers = [...world.customers, { userId: 'NEW-FAMILY', segment: 'family' }, { userId: 'NEW-BR', homeMarket: 'BR' }];
const model = await new ItineraryRecommender({ seed: 1, iterations: 6 }).fit({ interactions: train, items, customers });
const name = new Map(items.map((i) => [i.itemId, i.name!]));
const info = new Map(items.map((i) => [i.itemId, i]));
const user = 'C000010';

test('recommendations come with scores in order and an explanation naming a past itinerary', () => {
  const recs = model.recommend(user, 10);
  assert.equal(recs.length, 10);
  const history = new Set(model.interactedItems(user));
  for (let r = 1; r < recs.length; r++) assert.ok(recs[r - 1].score >= recs[r].score);
  for (const rec of recs) {
    assert.ok(rec.basedOn && history.has(rec.basedOn) && rec.basedOn !== rec.itemId);
    // Another length of a trip they took says so (the same trip's name, another number of days).
    if (rec.nearDuplicateOf !== undefined) {
      assert.equal(rec.nearDuplicateOf, rec.basedOn);
      assert.ok(rec.explanation.startsWith(`another length of ${name.get(rec.basedOn)!}, which you `), rec.explanation);
      continue;
    }
    assert.match(rec.explanation, /^because you (booked|asked for a quote on|rated) /);
    assert.ok(rec.explanation.endsWith(name.get(rec.basedOn)!), rec.explanation);
  }
});

test('each business rule filters before the cut to k, so k results come back', () => {
  const unconstrained = model.recommend(user, 10).map((r) => r.itemId);
  const booked = unconstrained.slice(0, 3);
  const recs = model.recommend(user, 10, { bookedThisSeason: booked });
  assert.equal(recs.length, 10);
  assert.ok(recs.every((r) => !booked.includes(r.itemId)));

  const open = new Set(world.items.filter((_, i) => i % 4 === 0).map((i) => i.itemId));
  for (const available of [open, (id: string) => open.has(id)]) {
    const r = model.recommend(user, 10, { available });
    assert.equal(r.length, 10);
    assert.ok(r.every((x) => open.has(x.itemId)));
  }

  const budget = model.recommend(user, 10, { minPrice: 300, maxPrice: 900, serviceLevels: ['superior', 'luxury'] });
  assert.equal(budget.length, 10);
  for (const r of budget) {
    const it = info.get(r.itemId)!;
    assert.ok(it.price! >= 300 && it.price! <= 900 && ['superior', 'luxury'].includes(it.serviceLevel!));
  }

  const include = world.items.slice(0, 5).map((i) => i.itemId);
  assert.deepEqual(model.recommend(user, 10, { include }).map((r) => r.itemId).sort(), [...include].sort(), 'fewer than k only when fewer pass');
  const exclude = unconstrained.slice(0, 5);
  assert.ok(model.recommend(user, 10, { exclude }).every((r) => !exclude.includes(r.itemId)));

  const seen = new Set(model.interactedItems(user));
  assert.ok(model.recommend(user, 10, { excludeInteracted: true }).every((r) => !seen.has(r.itemId)));
});

test('an unknown customer gets the popular itineraries of their segment, else home market, else everyone', () => {
  const family = model.recommend('NEW-FAMILY', 5);
  assert.equal(family.length, 5);
  assert.ok(family.every((r) => r.explanation === 'popular with family customers'));
  assert.ok(model.recommend('NEW-BR', 5).every((r) => r.explanation === 'popular with customers from BR'));
  const stranger = model.recommend('walk-in', 5);
  assert.ok(stranger.every((r) => r.explanation === 'popular with our customers'));
  assert.deepEqual(model.recommend('walk-in', 5, {}, { segment: 'family' }), family, 'a profile can be passed at query time');
  assert.notDeepEqual(family.map((r) => r.itemId), model.recommend('walk-in', 5, {}, { segment: 'adventure' }).map((r) => r.itemId));
});

test('a new itinerary borrows the factors of comparable ones and can be recommended and found similar', () => {
  const borrowed = model.summary.borrowedFactors;
  assert.ok(borrowed.includes('NEW-CUSCO') && !borrowed.includes('NEW-MARS'));
  const similar = model.similarItems('NEW-CUSCO', 10).map((s) => s.itemId);
  const cusco = similar.filter((id) => info.get(id)!.destination === 'Cusco').length;
  assert.ok(cusco >= 8, `its neighbours are comparable Cusco itineraries (${cusco} of 10)`);
  const fan = train.find((i) => i.itemId === twin.itemId)!.userId;
  assert.ok(model.recommend(fan, 100).some((r) => r.itemId === 'NEW-CUSCO'));
  assert.ok(model.recommend(fan, 100).every((r) => r.itemId !== 'NEW-MARS'), 'nothing comparable: score 0, not a guess');
});

test('similar itineraries are ranked by cosine, without the itinerary itself', () => {
  const similar = model.similarItems(twin.itemId, 10);
  assert.equal(similar.length, 10);
  assert.ok(similar.every((s) => s.itemId !== twin.itemId && s.similarity <= 1 + 1e-6));
  for (let r = 1; r < similar.length; r++) assert.ok(similar[r - 1].similarity >= similar[r].similarity);
});

test('bad queries give InputErrors naming the field', () => {
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof InputError, String(err));
      return err.field;
    }
    assert.fail('expected an InputError');
  };
  for (const k of [0, 101, 2.5, NaN]) assert.equal(field(() => model.recommend(user, k)), 'k');
  assert.equal(field(() => model.similarItems(twin.itemId, 0)), 'k');
  assert.equal(field(() => model.similarItems('IT-NOPE', 5)), 'itemId');
  assert.equal(field(() => model.recommend('', 5)), 'userId');
  assert.equal(field(() => model.recommend(user, 5, { maxPrice: -1 })), 'maxPrice');
  assert.equal(field(() => model.recommend(user, 5, { minPrice: 500, maxPrice: 100 })), 'minPrice');
  assert.equal(field(() => new ItineraryRecommender({ factors: 0 })), 'factors');
  assert.equal(field(() => new ItineraryRecommender({ algorithm: 'knn' as never })), 'algorithm');
});

test('bad training data gives InputErrors naming the field', async () => {
  const field = async (data: Parameters<ItineraryRecommender['fit']>[0]) => {
    try {
      await new ItineraryRecommender().fit(data);
    } catch (err) {
      assert.ok(err instanceof InputError, String(err));
      return err.field;
    }
    assert.fail('expected an InputError');
  };
  assert.equal(await field({ interactions: [] }), 'interactions');
  assert.equal(await field({ interactions: [{ userId: 'a', itemId: 'b', weight: Number.NaN, ts: 0 }] }), 'weight');
  assert.equal(await field({ interactions: [{ userId: 'a', itemId: 'b', weight: 1, ts: 'soon' }] }), 'ts');
  assert.equal(await field({ interactions: [{ userId: 'a', itemId: '', weight: 1, ts: 0 }] }), 'itemId');
  assert.equal(await field({ interactions: [{ userId: 'a', itemId: 'b', weight: 1, ts: 0 }], items: [{ itemId: 'b', price: -5 }] }), 'price');
});
