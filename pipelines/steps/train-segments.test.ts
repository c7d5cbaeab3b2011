import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex } from '../../models/segmentation/adjusted-rand-index.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { checkSegmentationModel } from '../../models/segmentation/segmentation-fingerprint.ts';
import { batchSegment } from '../../features/batch-lookups.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { pipelineFixture, type PipelineFixture } from '../../test/support/pipeline-fixture.ts';
import { MIN_STABILITY, SEGMENTATION_FEATURES } from './train-segments.ts';

describe('train-segments step', () => {
  let f: PipelineFixture;

  before(async () => {
    f = await pipelineFixture('train_segments', { customers: 1000, years: 3 });
    await f.run(['build-features', 'train-segments', 'evaluate']);
  });

  it('finds the world’s segments and beats customer_type on held-out customers', async () => {
    const version = await f.registry.get('segmentation', 'champion');
    assert.equal(version.version, 'segmentation-000001');
    assert.ok(version.metrics.heldout_silhouette > version.metrics.customer_type_silhouette, JSON.stringify(version.metrics));
    assert.match(version.holdoutId, /^segmentation:customers-as-of-2025-07:one-in-5-seed-1$/);
    const assigned = await queryRows<{ customer_id: string; segment: number }>(f.client, `SELECT customer_id, segment FROM customer_segments_current ORDER BY customer_id`);
    const truth = assigned.map((r) => f.truth.segmentOf.get(Number(r.customer_id))!);
    const ari = adjustedRandIndex(assigned.map((r) => r.segment), truth);
    assert.ok(ari >= 0.8, `adjusted Rand index against the true segments: ${ari}`);
    assert.ok(version.metrics.stability >= 0.9, `segments of held-out customers, without them vs with them: ${version.metrics.stability}`);
  });

  it('chooses the feature set on validation customers by silhouette among stable sets: on this world, what customers ask for', async () => {
    const version = await f.registry.get('segmentation', 'champion');
    const model = CustomerSegmenter.fromArtifact(await f.registry.loadArtifact(version));
    assert.deepEqual(model.featureNames, [...SEGMENTATION_FEATURES], 'the set with the best validation silhouette');
    assert.ok(version.metrics.validation_stability >= MIN_STABILITY, JSON.stringify(version.metrics));
    assert.ok(version.metrics.validation_silhouette > 0.2, JSON.stringify(version.metrics));
  });

  it('writes every customer’s segment with the version, and serves the model from the registry', async () => {
    const [{ customers }] = await queryRows<{ customers: string }>(f.client, `SELECT count() AS customers FROM customer_features`);
    const [{ rows, versions }] = await queryRows<{ rows: string; versions: string }>(f.client, `SELECT count() AS rows, uniqExact(model_version) AS versions FROM customer_segments_current`);
    assert.equal(rows, customers);
    assert.equal(Number(versions), 1);
    const champion = await f.registry.get('segmentation', 'champion');
    const model = CustomerSegmenter.fromArtifact(await f.registry.loadArtifact(champion));
    // The fingerprint recorded at training, which serving checks the artefact against.
    assert.equal(champion.fingerprint?.probes.length, 12);
    checkSegmentationModel(model, champion);
    const one = await batchSegment(f.client, 1);
    const [features] = await queryRows<Record<string, number | null>>(f.client, `SELECT * FROM customer_features WHERE customer_id = 1`);
    assert.equal(one?.segment, model.predict([model.featureNames.map((n) => features[n] ?? NaN)])[0]);
    assert.equal(one?.name, model.profiles()[one!.segment].name);
  });
});
