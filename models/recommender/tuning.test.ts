import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecommenders } from './comparison.ts';
import type { Interaction } from './interactions.ts';
import { ItineraryRecommender, type RecommenderAlgorithm, type RecommenderParams } from './recommender.ts';
import { tuneRecommender } from './tuning.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

const world = travelWorld({ customers: 800, itineraries: 90, eventsPerCustomer: 10, seed: 21 });
const { train, test: heldOut } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
const data = { train, items: world.items, customers: world.customers };

/**
 * A "test period" in which every held-out customer turned to the itinerary one algorithm, fitted as the comparison
 * fits it, puts first for them: on it that algorithm is perfect, so a comparison that chose on the test split would
 * choose it.
 */
async function riggedFor(algorithm: RecommenderAlgorithm, tuned: Partial<RecommenderParams>): Promise<Interaction[]> {
  const model = await new ItineraryRecommender({ ...tuned, seed: 4, algorithm }).fit({ interactions: train, items: world.items, customers: world.customers });
  return [...new Set(heldOut.map((r) => r.userId))].map((userId) => {
    const [first] = model.recommend(userId, 1, { excludeInteracted: true });
    return { userId, itemId: first.itemId, weight: 1, ts: '2025-11-01T00:00:00Z' };
  });
}

test('tuning never reads the test split: any test period gives the same tuned values, validation scores and choice', async () => {
  const options = { fixed: { seed: 4 }, maxPasses: 1 };
  const real = await compareRecommenders({ ...data, test: heldOut }, 10, options);
  const favoured = real.chosen === 'popularity' ? 'item-knn' : 'popularity';
  const rigged = await compareRecommenders({ ...data, test: await riggedFor(favoured, real.results[favoured]!.tuned) }, 10, options);
  assert.equal(rigged.results[favoured]!.test.ndcg, 1, `on the rigged period ${favoured} is perfect`);
  assert.ok(rigged.results[rigged.chosen]!.test.ndcg < 1);
  assert.equal(rigged.chosen, real.chosen);
  for (const algorithm of Object.keys(real.results) as RecommenderAlgorithm[]) {
    const a = real.results[algorithm]!;
    const b = rigged.results[algorithm]!;
    assert.deepEqual(b.tuned, a.tuned, `${algorithm} tuned values`);
    assert.deepEqual(b.validation, a.validation, `${algorithm} validation scores`);
    assert.equal(b.trials, a.trials);
  }
  assert.notDeepEqual(rigged.results.ease!.test, real.results.ease!.test, 'the test figures do come from each test period');
});

test('the tuner learns from the training rows only, and its choice is the best it tried', async () => {
  const tuning = await tuneRecommender(data, 'ease', 10);
  const best = Math.max(...tuning.trials.map((t) => t.ndcg));
  assert.equal(tuning.validation.ndcg, best);
  assert.deepEqual(tuning.trials.find((t) => t.ndcg === best)!.params, tuning.tuned);
  assert.equal(tuning.params.easeLambda, tuning.tuned.easeLambda);
  assert.ok(tuning.trials.length >= 4, 'every λ of the grid is tried');
  // Held values are not searched.
  const held = await tuneRecommender(data, 'als', 10, { fixed: { factors: 8, iterations: 3, seed: 1 }, maxPasses: 1 });
  assert.equal(held.params.factors, 8);
  assert.equal(held.params.iterations, 3);
  assert.ok(held.trials.every((t) => !('factors' in t.params) && !('iterations' in t.params)));
  assert.ok(held.trials.length > 4);
  // Only the held-out rows the caller counts as targets are scored: here bookings, as the nightly step's test period.
  const bookings = await tuneRecommender(data, 'popularity', 10, { isTarget: (row) => row.kind === 'booking' });
  assert.ok(bookings.validation.customers > 0 && bookings.validation.customers < tuning.validation.customers, `${bookings.validation.customers} vs ${tuning.validation.customers}`);
});
