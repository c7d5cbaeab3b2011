import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRecommenders } from './comparison.ts';
import { trainEase, trainEaseWithGroups } from './ease.ts';
import { buildInteractionMatrix } from './interaction-matrix.ts';
import { ItineraryRecommender } from './recommender.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

// Customers of a segment share a taste archetype: what their segment takes says something a short history cannot.
// Two ways to use it, both chosen on validation: EASE with the segment as a column of X, and the segment blend.
const world = travelWorld({ customers: 1500, itineraries: 120, eventsPerCustomer: 8, seed: 43 });
const { train, test: later } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
const data = { train, test: later, items: world.items, customers: world.customers };

test('on customers of a segment alike, EASE with the segment blend tuned on validation beats EASE without, on the later period', async () => {
  const ease = { easeLambda: 30, recencyBlend: 0, easeSegmentWeight: 0, seed: 1 };
  const blended = await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: ease, maxPasses: 1 });
  const plain = await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: { ...ease, segmentBlend: 0 } });
  const withBlend = blended.results.ease!;
  const without = plain.results.ease!;
  assert.ok(withBlend.tuned.segmentBlend! > 0, `validation chose no segment blend: ${JSON.stringify(withBlend.tuned)}`);
  assert.ok(withBlend.validation.ndcg > without.validation.ndcg);
  assert.ok(withBlend.test.ndcg > without.test.ndcg * 1.03, `with ${withBlend.test.ndcg} vs without ${without.test.ndcg}`);
});

test('without customer segments neither the segment blend nor the segment column of EASE is searched', async () => {
  const c = await compareRecommenders({ train, test: later }, 10, { algorithms: ['ease'], fixed: { easeLambda: 30, seed: 1 }, maxPasses: 1 });
  assert.equal(c.results.ease!.tuned.segmentBlend, undefined, JSON.stringify(c.results.ease!.tuned));
  assert.equal(c.results.ease!.tuned.easeSegmentWeight, undefined, JSON.stringify(c.results.ease!.tuned));
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

test('EASE with segments is EASE on X with one more column per segment, holding the segment weight', () => {
  const rows = train.slice(0, 1500);
  const segmentOf = new Map(world.customers.map((c) => [c.userId, c.segment!]));
  const m = buildInteractionMatrix(rows);
  const segments = [...new Set(m.users.ids.map((u) => segmentOf.get(u)!))];
  const ofUser = Int32Array.from(m.users.ids, (u) => segments.indexOf(segmentOf.get(u)!));
  // Binary EASE on the customers' rows plus a pseudo-itinerary per segment, the weight-1 case.
  const augmented = buildInteractionMatrix([...rows, ...m.users.ids.map((userId) => ({ userId, itemId: `segment ${segmentOf.get(userId)}`, weight: 1, ts: 0 }))], m.items.ids);
  const n = m.items.size;
  const wide = augmented.items.size;
  const expected = trainEase(augmented.byUser, { lambda: 30 });
  const got = trainEaseWithGroups(m.byUser, { lambda: 30, groups: { ofUser, count: segments.length, weight: 1 } });
  const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-4, `${what}: ${a} vs ${b}`);
  for (let i = 0; i < n; i += 7) for (let j = 0; j < n; j += 3) close(got.items[i * n + j], expected[i * wide + j], `B[${i},${j}]`);
  for (const [c, name] of segments.entries()) {
    const pseudo = augmented.items.indexOf(`segment ${name}`);
    for (let j = 0; j < n; j++) close(got.groups[c * n + j], expected[pseudo * wide + j], `${name} → ${j}`);
  }
  assert.ok(got.groups.some((x) => x > 0.01), 'segments weigh on itineraries');
  assert.deepEqual(trainEaseWithGroups(m.byUser, { lambda: 30, groups: { ofUser, count: segments.length, weight: 0 } }).items, trainEase(m.byUser, { lambda: 30 }));
});

test('on customers of a segment alike, EASE with segments tuned on validation beats plain EASE on the later period, and the artefact keeps it', async () => {
  const ease = { easeLambda: 30, recencyBlend: 0, segmentBlend: 0, seed: 1 };
  const withSegments = (await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: ease, maxPasses: 1 })).results.ease!;
  const plain = (await compareRecommenders(data, 10, { algorithms: ['ease'], fixed: { ...ease, easeSegmentWeight: 0 } })).results.ease!;
  assert.ok(withSegments.tuned.easeSegmentWeight! > 0, `validation chose no segment column: ${JSON.stringify(withSegments.tuned)}`);
  assert.ok(withSegments.test.ndcg > plain.test.ndcg * 1.05, `with ${withSegments.test.ndcg} vs plain ${plain.test.ndcg}`);
  const model = await new ItineraryRecommender({ ...ease, algorithm: 'ease', easeSegmentWeight: withSegments.tuned.easeSegmentWeight }).fit({ interactions: train, items: world.items, customers: world.customers });
  const copy = ItineraryRecommender.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
  for (const userId of model.customerIds.slice(0, 30)) assert.deepEqual(copy.recommend(userId, 10, { excludeInteracted: true }), model.recommend(userId, 10, { excludeInteracted: true }));
});
