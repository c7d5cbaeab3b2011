import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { checkRecommenderModel } from '../../models/recommender/recommender-fingerprint.ts';
import { batchRecommendations } from '../../features/batch-lookups.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { pipelineFixture, type PipelineFixture } from '../../test/support/pipeline-fixture.ts';
import { ALGORITHMS, DEFAULT_RECOMMENDER_PARAMS } from '../../models/recommender/recommender.ts';
import type { StepRun } from '../run-in-process.ts';
import { readCustomerProfiles } from '../../features/recommender-catalogue.ts';
import { customerFeaturesAsOf } from '../../features/customer-features.ts';
import { profilesAsOf } from './support/segments-as-of.ts';

describe('train-recommender step', () => {
  let f: PipelineFixture;
  const partitionRows = async () =>
    Object.fromEntries(
      (await queryRows<{ v: string; n: string }>(f.client, `SELECT model_version AS v, count() AS n FROM customer_recommendations GROUP BY v ORDER BY v`)).map((r) => [r.v, Number(r.n)]),
    );

  let runs: StepRun[];
  before(async () => {
    f = await pipelineFixture('train_recommender', { customers: 1000, years: 3 });
    runs = await f.run(['build-features', 'train-segments', 'train-recommender', 'evaluate']);
  });

  it('registers the best algorithm on validation with its tuned values and validation score; it beats popularity on held-out bookings', async () => {
    const v = await f.registry.get('recommender', 'champion');
    assert.equal(v.holdoutId, 'recommender:2025-04-01..2025-07-01');
    assert.ok(v.metrics.ndcg10 > v.metrics.popularity_ndcg10, `NDCG@10 ${v.metrics.ndcg10} vs popularity ${v.metrics.popularity_ndcg10}`);
    const algorithm = String(v.params.algorithm);
    assert.equal(v.metrics.validation_ndcg10, v.metrics[`${algorithm.replace(/-/g, '_')}_validation_ndcg10`]);
    for (const other of ALGORITHMS) {
      const score = v.metrics[`${other.replace(/-/g, '_')}_validation_ndcg10`];
      assert.ok(score >= 0 && v.metrics.validation_ndcg10 >= score, `${other} validation NDCG@10 ${score} above the chosen ${algorithm}'s ${v.metrics.validation_ndcg10}`);
    }
    assert.ok(v.metrics.customers_evaluated >= 50 && v.metrics.validation_customers >= 50);
    const outputs = runs.find((r) => r.step === 'train-recommender')!.outputs!;
    assert.equal(outputs.algorithm, algorithm);
    const tuned = JSON.parse(String(outputs.tuned)) as Record<string, number>;
    for (const [name, value] of Object.entries(tuned)) assert.equal(v.params[name], value, `registered ${name}`);
    // Its lineage: the segmentation version whose batch gave customers their groups.
    assert.equal(v.upstream.segmentation, runs.find((r) => r.step === 'train-segments')!.outputs!.version);
  });

  it('scores the held-out window with segments as they were when it began, not from the newest batch', async () => {
    const segmentsVersion = String(runs.find((r) => r.step === 'train-segments')!.outputs!.version);
    const windowStart = new Date('2025-04-01T00:00:00Z');
    const newest = await readCustomerProfiles(f.client, segmentsVersion);
    const atWindow = await profilesAsOf(f.client, f.registry, segmentsVersion, newest, windowStart);
    const known = new Set((await customerFeaturesAsOf(f.client, windowStart)).customerIds.map(String));
    const firstSeenInWindow = newest.filter((c) => !known.has(c.userId) && c.segment !== undefined);
    assert.ok(firstSeenInWindow.length > 0, 'the newest batch gives customers first seen in the window a segment');
    for (const c of atWindow) assert.equal(c.segment !== undefined, known.has(c.userId), `customer ${c.userId}`);
    const names = new Set(newest.map((c) => c.segment));
    assert.ok(atWindow.every((c) => c.segment === undefined || names.has(c.segment)), 'the same version’s segment names');
  });

  it('writes each customer’s top 50, best first, without what they already interacted with', async () => {
    const v = await f.registry.get('recommender', 'champion');
    const model = ItineraryRecommender.fromArtifact(await f.registry.loadArtifact(v));
    // The fingerprint recorded at training, which serving checks the artefact against.
    assert.equal(v.fingerprint?.probes.length, 7);
    checkRecommenderModel(model, v);
    const bad = await queryRows<{ customer_id: string }>(
      f.client,
      `SELECT customer_id FROM customer_recommendations_current
       GROUP BY customer_id HAVING count() > 50 OR min(rank) != 1 OR max(rank) != count() OR uniqExact(itinerary_id) != count()`,
    );
    assert.deepEqual(bad, []);
    const seen = await queryRows(
      f.client,
      `SELECT 1 FROM customer_recommendations_current AS r INNER JOIN customer_itinerary_interactions AS i ON i.customer_id = r.customer_id AND i.itinerary_id = r.itinerary_id LIMIT 1`,
    );
    assert.deepEqual(seen, []);
    const [{ customers }] = await queryRows<{ customers: string }>(f.client, `SELECT uniqExact(customer_id) AS customers FROM customer_recommendations_current`);
    assert.equal(Number(customers), model.customerIds.length);
    const top = await batchRecommendations(f.client, 1, { k: 10 });
    assert.equal(top.length, 10);
    assert.ok(top.every((r, i) => r.rank === i + 1 && r.modelVersion === v.version && (i === 0 || r.score <= top[i - 1].score)));
    const scored = model.recommend('1', 10, { excludeInteracted: true });
    assert.deepEqual(top.map((r) => String(r.itineraryId)), scored.map((r) => r.itemId));
  });

  it('leaves one complete, consistent batch for readers when run again, and drops batches nobody needs', async () => {
    const first = await partitionRows();
    assert.deepEqual(Object.keys(first), ['recommender-000001']);
    await f.run(['train-recommender', 'evaluate']);
    const second = await partitionRows();
    assert.deepEqual(Object.keys(second), ['recommender-000001', 'recommender-000002']);
    assert.equal(second['recommender-000002'], first['recommender-000001'], 'same data, same seed: the same batch');
    const current = await queryRows<{ v: string; n: string; dup: string }>(
      f.client,
      `SELECT model_version AS v, count() AS n, count() - uniqExact(customer_id, rank) AS dup FROM customer_recommendations_current GROUP BY v`,
    );
    const champion = (await f.registry.aliases('recommender')).champion!;
    assert.deepEqual(current.map((r) => [r.v, Number(r.n), Number(r.dup)]), [[champion, second[champion], 0]]);
    // A third run, without search, keeps its own batch, the champion's, the challenger's and the one a rollback
    // would return to, not the rest.
    const [third] = await f.run(['train-recommender'], { recommenderTuningPasses: 0 });
    const tuned = JSON.parse(String(third.outputs!.tuned)) as Record<string, number>;
    for (const [name, value] of Object.entries(tuned)) assert.equal(value, DEFAULT_RECOMMENDER_PARAMS[name as keyof typeof DEFAULT_RECOMMENDER_PARAMS], `${name} searched with 0 passes`);
    await assert.rejects(f.run(['train-recommender'], { recommenderTuningPasses: 9 }), /recommenderTuningPasses/);
    const aliases = await f.registry.aliases('recommender');
    const keep = new Set(['recommender-000003', aliases.champion, aliases.challenger, aliases.previousChampions.at(-1)].filter(Boolean));
    assert.deepEqual(Object.keys(await partitionRows()), [...keep].sort());
  });
});
