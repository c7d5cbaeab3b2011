import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invertSpdInPlace, trainEase } from './ease.ts';
import { buildInteractionMatrix } from './interaction-matrix.ts';
import { trainItemKnn } from './item-knn.ts';
import { ALGORITHMS, ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

const world = travelWorld({ customers: 600, itineraries: 70, eventsPerCustomer: 9, seed: 17 });
const { train } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));

test('every algorithm gives k itineraries best first, none the customer interacted with in training', async () => {
  for (const algorithm of ALGORITHMS) {
    const model = await new ItineraryRecommender({ algorithm, iterations: 3, factors: 8 }).fit({ interactions: train, items: world.items, customers: world.customers });
    for (const userId of model.customerIds.slice(0, 40)) {
      const history = new Set(model.interactedItems(userId));
      assert.ok(history.size > 0);
      const recs = model.recommend(userId, 10, { excludeInteracted: true });
      assert.equal(recs.length, 10, `${algorithm} ${userId}`);
      assert.equal(new Set(recs.map((r) => r.itemId)).size, 10);
      assert.ok(recs.every((r) => !history.has(r.itemId)), `${algorithm} offered ${userId} something from their history`);
      for (let i = 1; i < recs.length; i++) assert.ok(recs[i - 1].score >= recs[i].score, `${algorithm} out of order`);
    }
  }
});

test('EASE and item-kNN explain by the past itinerary that adds most, and relate itineraries to each other', async () => {
  for (const algorithm of ['ease', 'item-knn'] as const) {
    const model = await new ItineraryRecommender({ algorithm }).fit({ interactions: train, items: world.items });
    const userId = model.customerIds.find((u) => model.interactedItems(u).length >= 3)!;
    const recs = model.recommend(userId, 5, { excludeInteracted: true });
    assert.ok(recs.some((r) => r.basedOn !== undefined && model.interactedItems(userId).includes(r.basedOn)), `${algorithm}: ${JSON.stringify(recs)}`);
    const similar = model.similarItems(world.items[0].itemId, 5);
    assert.equal(similar.length, 5);
    assert.ok(similar.every((s) => s.itemId !== world.items[0].itemId));
  }
  const popular = await new ItineraryRecommender({ algorithm: 'recent-popularity' }).fit({ interactions: train, items: world.items });
  assert.throws(() => popular.similarItems(world.items[0].itemId, 5), /relates no itineraries/);
});

test('Gauss–Jordan inverts a symmetric positive definite matrix', () => {
  const n = 4;
  const a = Float64Array.from([4, 1, 0, 2, 1, 5, 1, 0, 0, 1, 3, 1, 2, 0, 1, 6]);
  const inverse = a.slice();
  invertSpdInPlace(inverse, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let m = 0; m < n; m++) s += a[i * n + m] * inverse[m * n + j];
      assert.ok(Math.abs(s - (i === j ? 1 : 0)) < 1e-12, `(${i},${j}) = ${s}`);
    }
  }
});

test('EASE: no itinerary explains itself, itineraries bought together weigh on each other, and λ shrinks the weights', () => {
  // Customers who took Cusco also took Puno; Lima goes with nothing.
  const rows = ['a', 'b', 'c', 'd'].flatMap((u) => [
    { userId: u, itemId: 'cusco', weight: 1, ts: 0 },
    { userId: u, itemId: 'puno', weight: 1, ts: 0 },
  ]);
  rows.push({ userId: 'e', itemId: 'lima', weight: 1, ts: 0 }, { userId: 'f', itemId: 'cusco', weight: 1, ts: 0 });
  const m = buildInteractionMatrix(rows);
  const [cusco, puno, lima] = ['cusco', 'puno', 'lima'].map((id) => m.items.indexOf(id));
  const n = m.items.size;
  const weak = trainEase(m.byUser, { lambda: 10 });
  const strong = trainEase(m.byUser, { lambda: 0.5 });
  for (let i = 0; i < n; i++) assert.equal(weak[i * n + i], 0);
  assert.ok(strong[cusco * n + puno] > 0.5 && strong[cusco * n + lima] === 0);
  assert.ok(weak[cusco * n + puno] > 0 && weak[cusco * n + puno] < strong[cusco * n + puno]);
});

test('item-kNN keeps at most k neighbours and the shrink pulls thinly supported similarities down', () => {
  const m = buildInteractionMatrix(train);
  const loose = trainItemKnn(m.byUser, m.byItem, { neighbours: 5, shrink: 0 });
  const shrunk = trainItemKnn(m.byUser, m.byItem, { neighbours: 5, shrink: 50 });
  // Row i holds the itineraries that count i among their 5 neighbours: each itinerary is counted by at most 5 rows.
  const counted = new Int32Array(m.items.size);
  for (let e = 0; e < loose.indices.length; e++) counted[loose.indices[e]]++;
  assert.ok(Math.max(...counted) <= 5 && Math.max(...counted) > 0);
  const max = (values: Float32Array) => values.reduce((a, b) => Math.max(a, b), 0);
  assert.ok(max(shrunk.values) < max(loose.values));
  assert.ok(max(loose.values) <= 1 + 1e-6, 'a cosine is at most 1');
});

test('recent popularity ranks what everyone turned to lately above an older favourite', async () => {
  const day = 86_400_000;
  const rows = [
    ...Array.from({ length: 6 }, (_, u) => ({ userId: `old${u}`, itemId: 'classic', weight: 1, ts: 0 })),
    ...Array.from({ length: 3 }, (_, u) => ({ userId: `new${u}`, itemId: 'trend', weight: 1, ts: 400 * day })),
  ];
  const recent = await new ItineraryRecommender({ algorithm: 'recent-popularity', halfLifeDays: 30 }).fit({ interactions: rows });
  const allTime = await new ItineraryRecommender({ algorithm: 'popularity' }).fit({ interactions: rows });
  assert.deepEqual(recent.recommend('walk-in', 2).map((r) => r.itemId), ['trend', 'classic']);
  assert.deepEqual(allTime.recommend('walk-in', 2).map((r) => r.itemId), ['classic', 'trend']);
  assert.deepEqual(recent.interactedItems('old0'), ['classic'], 'histories are not decayed away');
});

test('the EASE + ALS mix is ALS at weight 1 and EASE at weight 0, and something of both between', async () => {
  const data = { interactions: train, items: world.items };
  const params = { factors: 8, iterations: 4, seed: 2, easeLambda: 50 };
  const mix = await new ItineraryRecommender({ ...params, algorithm: 'ease-als' }).fit(data);
  const als = await new ItineraryRecommender({ ...params, algorithm: 'als' }).fit(data);
  const ease = await new ItineraryRecommender({ ...params, algorithm: 'ease' }).fit(data);
  const ids = (m: ItineraryRecommender, u: string) => m.recommend(u, 10, { excludeInteracted: true }).map((r) => r.itemId);
  const at = (w: number) => mix.withScoring(data, { recencyBlend: 0, halfLifeDays: 30, ensembleWeight: w });
  let between = 0;
  for (const userId of mix.customerIds.slice(0, 30)) {
    assert.deepEqual(ids(at(1), userId), ids(als, userId));
    assert.deepEqual(ids(at(0), userId), ids(ease, userId));
    const half = ids(at(0.5), userId).join();
    if (half !== ids(als, userId).join() && half !== ids(ease, userId).join()) between++;
  }
  assert.ok(between > 0);
});
