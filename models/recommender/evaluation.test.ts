import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scoreAllCustomers } from './batch-scoring.ts';
import { evaluateRanking, heldOutTargets } from './evaluation.ts';
import { splitAtCutoff } from './interaction-matrix.ts';
import { averagePrecision, hit, ndcg } from './ranking-metrics.ts';
import { ItineraryRecommender } from './recommender.ts';
import { travelWorld } from '../../test/worlds/travel-world.ts';

const cutoff = new Date('2025-10-01T00:00:00Z');

test('the time split never lets an interaction from the cut-off on into training', () => {
  const world = travelWorld({ customers: 300, itineraries: 50, eventsPerCustomer: 8, seed: 2 });
  const { train, test: after } = splitAtCutoff(world.events, cutoff);
  assert.equal(train.length + after.length, world.events.length);
  assert.ok(train.every((e) => new Date(e.ts).getTime() < cutoff.getTime()));
  assert.ok(after.every((e) => new Date(e.ts).getTime() >= cutoff.getTime()));
  assert.ok(train.length > 0 && after.length > 0);
});

test('evaluation ranks without the items seen in training, and only new items count as targets', async () => {
  const train = [
    { userId: 'ana', itemId: 'cusco', weight: 5, ts: '2025-05-01' },
    { userId: 'ana', itemId: 'lima', weight: 1, ts: '2025-05-02' },
    { userId: 'ben', itemId: 'cusco', weight: 5, ts: '2025-05-03' },
    { userId: 'ben', itemId: 'puno', weight: 5, ts: '2025-05-03' },
    { userId: 'eva', itemId: 'colca', weight: 1, ts: '2025-05-04' },
  ];
  const test_ = [
    { userId: 'ana', itemId: 'cusco', weight: 5, ts: '2025-11-01' },
    { userId: 'ana', itemId: 'puno', weight: 5, ts: '2025-11-02' },
    { userId: 'ben', itemId: 'cusco', weight: 5, ts: '2025-11-03' },
  ];
  const model = await new ItineraryRecommender({ algorithm: 'popularity' }).fit({ interactions: train });
  const targets = heldOutTargets(test_, (u) => model.interactedItems(u));
  assert.deepEqual([...targets], [['ana', new Set(['puno'])]], 'a re-booking of a seen itinerary is not a target; ben has none left');
  // Popularity: cusco 10, puno 5, colca 1, lima 1. Without ana's cusco and lima, puno comes first.
  const report = evaluateRanking(model, test_, 1);
  assert.deepEqual(report, { hitRate: 1, ndcg: 1, map: 1, coverage: 0.25, customers: 1 });
});

test('ranking metrics on hand-checked cases', () => {
  const relevant = new Set(['b', 'd']);
  assert.equal(hit(['a', 'b', 'c'], relevant), 1);
  assert.equal(hit(['a', 'c'], relevant), 0);
  const dcg = 1 / Math.log2(3);
  assert.ok(Math.abs(ndcg(['a', 'b', 'c'], relevant, 3) - dcg / (1 + 1 / Math.log2(3))) < 1e-12);
  assert.equal(ndcg(['b', 'd'], relevant, 2), 1);
  assert.equal(averagePrecision(['a', 'b', 'c', 'd'], relevant, 4), (1 / 2 + 2 / 4) / 2);
  assert.equal(averagePrecision(['b'], relevant, 1), 1);
});

test('batch scoring streams the top k of every known customer in chunks', async () => {
  const world = travelWorld({ customers: 250, itineraries: 80, eventsPerCustomer: 6, seed: 3 });
  const interactions = world.events.map((e) => ({ userId: e.userId, itemId: e.itemId, weight: 1, ts: e.ts }));
  const model = await new ItineraryRecommender({ iterations: 3 }).fit({ interactions });
  const chunks: number[] = [];
  const rows = [];
  for await (const chunk of scoreAllCustomers(model, { k: 50, chunkSize: 100 })) {
    chunks.push(chunk.length);
    rows.push(...chunk);
  }
  assert.equal(rows.length, model.customerIds.length * 50);
  assert.deepEqual(chunks, [5000, 5000, 2500]);
  const first = rows.filter((r) => r.userId === model.customerIds[0]);
  assert.deepEqual(first.map((r) => r.rank), Array.from({ length: 50 }, (_, i) => i + 1));
  assert.deepEqual(first.map((r) => r.itemId), model.recommend(model.customerIds[0], 50).map((r) => r.itemId));
});
