import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelStateError } from '../contract.ts';
import { compareRecommenders } from './comparison.ts';
import { ALGORITHMS, ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

const world = travelWorld({ customers: 3000, itineraries: 300, eventsPerCustomer: 12, seed: 1 });
const { train, test: heldOut } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));

test('tuned on validation, EASE and ALS beat both popularities and SVD on the held-out period; the choice is the best on validation', async () => {
  const r = await compareRecommenders({ train, test: heldOut, items: world.items, customers: world.customers }, 10, { fixed: { seed: 3 } });
  const { als, svd, popularity, ease } = r.results as Required<typeof r.results>;
  const recent = r.results['recent-popularity']!;
  assert.ok(als.test.customers > 1000, `only ${als.test.customers} customers evaluated`);
  assert.ok(als.validation.customers > 1000, `only ${als.validation.customers} customers validated`);
  for (const [name, model] of [['EASE', ease], ['ALS', als]] as const) {
    for (const baseline of [popularity, recent, svd]) assert.ok(model.test.ndcg > baseline.test.ndcg * 1.1, `${name} ${model.test.ndcg} vs ${baseline.test.ndcg}`);
    assert.ok(model.test.hitRate > popularity.test.hitRate && model.test.map > popularity.test.map);
    assert.ok(model.test.coverage > popularity.test.coverage, 'personal rankings reach more of the catalogue');
  }
  assert.ok(ease.tuned.easeLambda !== undefined && als.tuned.regularization !== undefined && als.tuned.alpha !== undefined);
  const best = ALGORITHMS.reduce((a, b) => (r.results[b]!.validation.ndcg > r.results[a]!.validation.ndcg ? b : a));
  assert.equal(r.chosen, best);
  assert.ok(r.results[r.chosen]!.test.ndcg > recent.test.ndcg * 1.1, 'the validation choice also wins on the held-out period');
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
  for (const algorithm of ALGORITHMS) {
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
