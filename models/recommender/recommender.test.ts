import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStateError } from '../contract.ts';
import { compareRecommenders } from './evaluation.ts';
import { ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from './travel-world.ts';

const world = travelWorld({ customers: 3000, itineraries: 300, eventsPerCustomer: 12, seed: 1 });
const { train, test: heldOut } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));

test('ALS beats popularity and SVD on NDCG@10 on the time-split holdout, and is chosen', async () => {
  const r = await compareRecommenders({ train, test: heldOut, items: world.items, customers: world.customers }, 10, { seed: 3 });
  const { als, svd, popularity } = r.results;
  assert.ok(als.customers > 1000, `only ${als.customers} customers evaluated`);
  assert.ok(als.ndcg > popularity.ndcg * 1.1, `ALS ${als.ndcg} vs popularity ${popularity.ndcg}`);
  assert.ok(als.ndcg > svd.ndcg * 1.1, `ALS ${als.ndcg} vs SVD ${svd.ndcg}`);
  assert.ok(als.hitRate > popularity.hitRate && als.map > popularity.map);
  assert.ok(als.coverage > popularity.coverage, 'personal rankings reach more of the catalogue');
  assert.equal(r.chosen, 'als');
});

test('same seed, same factors, with one worker or two', async () => {
  const data = { interactions: train, items: world.items };
  const one = await new ItineraryRecommender({ seed: 5, iterations: 4, workers: 1 }).fit(data);
  const two = await new ItineraryRecommender({ seed: 5, iterations: 4, workers: 2 }).fit(data);
  const other = await new ItineraryRecommender({ seed: 6, iterations: 4, workers: 1 }).fit(data);
  const a = one.toArtifact().state;
  assert.deepEqual(two.toArtifact().state, a);
  assert.notEqual(other.toArtifact().state.itemFactors, a.itemFactors);
});

test('SVD is deterministic with a seed', async () => {
  const data = { interactions: train };
  const a = await new ItineraryRecommender({ algorithm: 'svd', seed: 2 }).fit(data);
  const b = await new ItineraryRecommender({ algorithm: 'svd', seed: 2 }).fit(data);
  assert.deepEqual(a.toArtifact(), b.toArtifact());
});

test('the artefact round trip gives identical recommendations for every algorithm', async () => {
  for (const algorithm of ['als', 'svd', 'popularity'] as const) {
    const model = await new ItineraryRecommender({ algorithm, iterations: 3 }).fit({ interactions: train, items: world.items, customers: world.customers });
    const copy = ItineraryRecommender.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
    for (const userId of ['C000001', 'C000002', 'nobody']) {
      const rules = { maxPrice: 1500 };
      assert.deepEqual(copy.recommend(userId, 10, rules), model.recommend(userId, 10, rules));
    }
    assert.deepEqual(copy.params, model.params);
  }
  assert.throws(() => ItineraryRecommender.fromArtifact({ family: 'price', formatVersion: 1, params: {}, state: {} }), ModelStateError);
  assert.throws(() => ItineraryRecommender.fromArtifact({ family: 'recommender', formatVersion: 99, params: {}, state: {} }), ModelStateError);
});
