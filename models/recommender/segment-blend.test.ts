import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecommenders } from './comparison.ts';
import { ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

// Customers of a segment share a taste archetype: what their segment takes says something a short history cannot.
const world = travelWorld({ customers: 1500, itineraries: 120, eventsPerCustomer: 8, seed: 43 });
const { train, test: later } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
const data = { train, test: later, items: world.items, customers: world.customers };

test('on customers of a segment alike, EASE with the segment blend tuned on validation beats EASE without, on the later period', async () => {
  const ease = { easeLambda: 30, recencyBlend: 0, seed: 1 };
  const blended = await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: ease, maxPasses: 1 });
  const plain = await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: { ...ease, segmentBlend: 0 } });
  const withBlend = blended.results.ease!;
  const without = plain.results.ease!;
  assert.ok(withBlend.tuned.segmentBlend! > 0, `validation chose no segment blend: ${JSON.stringify(withBlend.tuned)}`);
  assert.ok(withBlend.validation.ndcg > without.validation.ndcg);
  assert.ok(withBlend.test.ndcg > without.test.ndcg * 1.03, `with ${withBlend.test.ndcg} vs without ${without.test.ndcg}`);
});

test('without customer segments the segment blend is not searched', async () => {
  const c = await compareRecommenders({ train, test: later }, 10, { algorithms: ['ease'], fixed: { easeLambda: 30, seed: 1 }, maxPasses: 1 });
  assert.equal(c.results.ease!.tuned.segmentBlend, undefined, JSON.stringify(c.results.ease!.tuned));
});

test('trying a segment blend on a fitted model gives what a refit gives, the artefact keeps it, and customers without a segment are left alone', async () => {
  const customers = world.customers.map((c, i) => (i % 2 ? c : { userId: c.userId }));
  const fitData = { interactions: train, items: world.items, customers };
  const base = await new ItineraryRecommender({ algorithm: 'ease', easeLambda: 30 }).fit(fitData);
  const tried = base.withScoring(fitData, { recencyBlend: 0, halfLifeDays: 30, ensembleWeight: 0.5, segmentBlend: 0.3 });
  const refit = await new ItineraryRecommender({ algorithm: 'ease', easeLambda: 30, segmentBlend: 0.3 }).fit(fitData);
  const copy = ItineraryRecommender.fromArtifact(JSON.parse(JSON.stringify(refit.toArtifact())));
  let changed = 0;
  for (const [i, { userId }] of customers.slice(0, 60).entries()) {
    if (!refit.customerIds.includes(userId)) continue;
    const expected = refit.recommend(userId, 10, { excludeInteracted: true });
    assert.deepEqual(tried.recommend(userId, 10, { excludeInteracted: true }), expected);
    assert.deepEqual(copy.recommend(userId, 10, { excludeInteracted: true }), expected);
    const same = base.recommend(userId, 10, { excludeInteracted: true }).map((r) => r.itemId).join() === expected.map((r) => r.itemId).join();
    if (i % 2 === 0) assert.ok(same, `${userId} has no segment, so the blend leaves them alone`);
    else if (!same) changed++;
  }
  assert.ok(changed > 0, 'the blend changes rankings of customers with a segment');
  assert.equal(base.params.segmentBlend, 0, 'the fitted model it came from is left alone');
});
