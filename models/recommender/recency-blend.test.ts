import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecommenders } from './comparison.ts';
import { splitAtCutoff } from './interaction-matrix.ts';
import { purchaseWorld } from '../../test/worlds/purchase-world.ts';
import { ItineraryRecommender } from './recommender.ts';

// Products launch through the year and fade: what sells now says something a co-purchase model cannot see.
const rows = purchaseWorld({ customers: 1500, products: 250, purchasesPerCustomer: 12, seed: 41 });
const { train, test: later } = splitAtCutoff(rows, new Date('2025-12-01T00:00:00Z'));

test('on purchases of products that launch and fade, ALS with the recency blend tuned on validation beats ALS without, on the later month', async () => {
  const als = { factors: 32, regularization: 30, alpha: 10, iterations: 6, seed: 1 };
  const blended = await compareRecommenders({ train, test: later }, 10, { algorithms: ['als', 'recent-popularity'], fixed: als });
  const plain = await compareRecommenders({ train, test: later }, 10, { algorithms: ['als'], fixed: { ...als, recencyBlend: 0 } });
  const withBlend = blended.results.als!;
  const without = plain.results.als!;
  assert.ok(withBlend.tuned.recencyBlend! > 0, `validation chose no blend: ${JSON.stringify(withBlend.tuned)}`);
  assert.deepEqual(without.tuned, {}, 'without a blend the half-life is not searched either');
  assert.ok(withBlend.validation.ndcg > without.validation.ndcg);
  assert.ok(withBlend.test.ndcg > without.test.ndcg * 1.05, `with ${withBlend.test.ndcg} vs without ${without.test.ndcg}`);
  assert.ok(withBlend.test.ndcg > blended.results['recent-popularity']!.test.ndcg * 1.5, 'and stays well above recent popularity');
});

test('trying a blend on a fitted model gives what a refit with that blend gives, and the artefact keeps it', async () => {
  const data = { interactions: train };
  const base = await new ItineraryRecommender({ algorithm: 'ease', easeLambda: 200 }).fit(data);
  const tried = base.withScoring(data, { recencyBlend: 0.3, halfLifeDays: 14, ensembleWeight: 0.5 });
  const refit = await new ItineraryRecommender({ algorithm: 'ease', easeLambda: 200, recencyBlend: 0.3, halfLifeDays: 14 }).fit(data);
  const copy = ItineraryRecommender.fromArtifact(JSON.parse(JSON.stringify(refit.toArtifact())));
  let changed = 0;
  for (const userId of refit.customerIds.slice(0, 30)) {
    const expected = refit.recommend(userId, 10, { excludeInteracted: true });
    assert.deepEqual(tried.recommend(userId, 10, { excludeInteracted: true }), expected);
    assert.deepEqual(copy.recommend(userId, 10, { excludeInteracted: true }), expected);
    if (base.recommend(userId, 10, { excludeInteracted: true }).map((r) => r.itemId).join() !== expected.map((r) => r.itemId).join()) changed++;
  }
  assert.ok(changed > 0, 'the blend changes rankings');
  assert.equal(tried.params.recencyBlend, 0.3);
  assert.equal(base.params.recencyBlend, 0, 'the fitted model it came from is left alone');
});
