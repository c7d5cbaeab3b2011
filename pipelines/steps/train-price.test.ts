import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import { checkPriceModel } from '../../models/price/price-fingerprint.ts';
import { PRICE_FEATURE_NAMES } from '../../features/price-feature-definitions.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { priceFeaturesForQuote } from '../../features/price-features-online.ts';
import { readPriceTrainingRows, toPriceTrainingSet } from '../../features/price-training-rows.ts';
import { parseChDateTime } from '../../features/warehouse-query.ts';
import { pipelineFixture, type PipelineFixture } from '../../test/support/pipeline-fixture.ts';
import { trainPriceStep } from './train-price.ts';

describe('train-price step', () => {
  let f: PipelineFixture;

  before(async () => {
    f = await pipelineFixture('train_price', { customers: 1000, years: 3 });
    await f.run(['build-features', 'train-segments', 'train-price', 'evaluate'], { priceTrees: 40, priceBoostingIterations: 120 });
  });

  it('registers a model that beats cost-plus and ridge on the held-out months', async () => {
    const v = await f.registry.get('price', 'champion');
    assert.equal(v.holdoutId, 'price:2025-04-01..2025-07-01:accepted');
    assert.ok(v.metrics.rmse < 0.8 * v.metrics.cost_plus_rmse, `RMSE ${v.metrics.rmse} vs cost-plus ${v.metrics.cost_plus_rmse}`);
    assert.ok(v.metrics.rmse < v.metrics.ridge_rmse, `RMSE ${v.metrics.rmse} vs ridge ${v.metrics.ridge_rmse}`);
    assert.ok(v.metrics.coverage80 > 0.6 && v.metrics.coverage80 < 0.97, `80% range held ${v.metrics.coverage80}`);
    assert.ok(v.metrics.holdout_rows >= 20 && v.metrics.train_rows > v.metrics.holdout_rows);
    assert.equal(v.featuresVersion, 'price-features-v1');
    assert.deepEqual(v.upstream, { segmentation: 'segmentation-000001' });
    assert.ok(v.dataWindow.to < '2025-07-01' && v.dataWindow.from < '2022-12-31', JSON.stringify(v.dataWindow));
  });

  it('records the fingerprint serving checks the artefact against, and the artefact reproduces it', async () => {
    const v = await f.registry.get('price', 'champion');
    assert.equal(v.fingerprint?.featuresVersion, v.featuresVersion);
    assert.deepEqual(v.fingerprint?.featureNames, [...PRICE_FEATURE_NAMES]);
    assert.equal(v.fingerprint?.probes.length, 5);
    checkPriceModel(PriceModel.fromArtifact(await f.registry.loadArtifact(v)), v, PRICE_FEATURE_NAMES);
  });

  it('suggests, in serving, the price the model gives the quotation’s training row', async () => {
    const v = await f.registry.get('price', 'champion');
    const model = PriceModel.fromArtifact(await f.registry.loadArtifact(v));
    const segmentationVersion = v.upstream.segmentation;
    assert.equal(segmentationVersion, 'segmentation-000001');
    const segmentation = await f.registry.get('segmentation', segmentationVersion);
    const segmenter = await MODEL_FAMILIES.segmentation.load(await f.registry.loadArtifact(segmentation), segmentation);
    const rows = await readPriceTrainingRows(f.client);
    const assigner = { version: segmentationVersion, model: segmenter };
    const set = toPriceTrainingSet(rows, assigner);
    for (const i of [rows.length - 1, rows.length - 50, Math.floor(rows.length / 2)]) {
      const row = rows[i];
      const online = await priceFeaturesForQuote(
        f.client,
        { itineraryId: Number(row.itinerary_id), departureDate: String(row.departure_date), partySize: Number(row.group_size), quotedAt: parseChDateTime(String(row.quoted_at)), customerId: Number(row.customer_id), costTotal: Number(row.cost) },
        { segmentation: assigner },
      );
      const [served, trained] = model.predict([
        { features: online.values, cost: online.cost },
        { features: set.quotations[i].features, cost: set.quotations[i].cost },
      ]);
      assert.ok(Math.abs(served.mean - trained.mean) < 1e-6, `quotation ${row.quotation_id}: ${served.mean} vs ${trained.mean}`);
      assert.ok(served.lo80 < served.mean && served.mean < served.hi80);
    }
  });

  it('refuses a bad size parameter by name', async () => {
    await assert.rejects(trainPriceStep.run(f.context({ priceTrees: 0 })), (err: unknown) => err instanceof InputError && err.field === 'priceTrees');
    await assert.rejects(trainPriceStep.run(f.context({ holdoutMonths: 30 })), (err: unknown) => err instanceof InputError && err.field === 'holdoutMonths');
  });
});
