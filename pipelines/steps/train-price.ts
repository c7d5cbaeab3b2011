import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { latestFeatureBuild } from '../../features/feature-builds.ts';
import { PRICE_FEATURE_NAMES, PRICE_FEATURES_VERSION } from '../../features/price-feature-definitions.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { priceFingerprint } from '../../models/price/price-fingerprint.ts';
import { readPriceTrainingRows, toPriceTrainingSet } from '../../features/price-training-rows.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import { evaluateOnHoldout } from '../../models/price/holdout-evaluation.ts';
import { windowSplit } from '../../models/price/holdout-scores.ts';
import type { Quotation } from '../../models/price/quotations.ts';
import { holdoutWindow } from './support/holdout-window.ts';
import { newestVersion } from './support/registry-lookup.ts';
import { runParam, seedParam } from './support/step-params.ts';

/**
 * The price model (issue 3) on price_training_rows: accepted quotations (or all, with `priceAllQuotations`), their
 * point-in-time features and the segment the newest segmentation version gives each customer as of the quote.
 * Scored on the held-out months against cost-plus (the median markup) and a ridge regression on the same features,
 * each learning only from quotations made before the window; the registered model is refitted on every quotation.
 */
const MIN_TRAIN = 100;
const MIN_HOLDOUT = 20;
const PARAMS = MODEL_FAMILIES.price.params;

export const trainPriceStep: Step = {
  name: 'train-price',
  description: 'Price model (forest or boosting on log markup) on point-in-time quotation features, vs cost-plus and ridge on held-out months',
  reads: ['ch:price_training_rows', 'model:segmentation'],
  writes: ['model:price'],
  after: ['build-features', 'train-segments'],
  heavy: true,
  async run(ctx) {
    const seed = seedParam(ctx);
    const params = {
      seed,
      // Measured on a generated 3,000-customer world (20,600 accepted quotations): 50 trees / 150 rounds cost 57% of
      // 100 / 300 for a held-out RMSE 0.6% higher; raise them for a bigger world.
      trees: runParam(ctx, PARAMS.trees),
      boostingIterations: runParam(ctx, PARAMS.boostingIterations),
    };
    const months = runParam(ctx, PARAMS.holdoutMonths);
    const allQuotations = runParam(ctx, PARAMS.allQuotations);
    const build = await latestFeatureBuild(ctx.clickhouse, 'price_training_rows');

    const pinned = runParam(ctx, PARAMS.segmentationVersion);
    const segmentation = pinned ? await ctx.registry.get('segmentation', pinned) : await newestVersion(ctx.registry, 'segmentation');
    const segmenter = segmentation ? CustomerSegmenter.fromArtifact(await ctx.registry.loadArtifact(segmentation)) : null;

    const rows = await readPriceTrainingRows(ctx.clickhouse, { acceptedOnly: !allQuotations });
    const { quotations } = toPriceTrainingSet(rows, segmentation && segmenter && { version: segmentation.version, model: segmenter });
    const window = holdoutWindow('price', build.asOf, months, allQuotations ? 'all-quotations' : 'accepted');
    const at = (q: Quotation) => (q.quotedAt as Date).getTime();
    const split = windowSplit(quotations.map(at), window.from, window.to);
    const [train, holdout] = [split.train.length, split.holdout.length];
    if (train < MIN_TRAIN || holdout < MIN_HOLDOUT) {
      throw new InputError(
        `price: ${train} quotations before ${window.id} and ${holdout} in it; need ${MIN_TRAIN} and ${MIN_HOLDOUT} (lower holdoutMonths or add history)`,
        'price_training_rows',
      );
    }

    const names = [...PRICE_FEATURE_NAMES];
    const scored = await evaluateOnHoldout(quotations, names, params, split);
    const { model, costPlus, ridge: ridgeMetrics, intervalCoverage: covered } = scored;

    // The learner the held-out run chose: the refit does not need to compare them again.
    const final = await new PriceModel({ ...params, learner: scored.chosen }).fit({ rows: quotations, featureNames: names });
    const first = quotations.reduce((m, q) => Math.min(m, at(q)), Infinity);
    const last = quotations.reduce((m, q) => Math.max(m, at(q)), -Infinity);
    const metrics = {
      rmse: model.rmse,
      mae: model.mae,
      mape: model.mape,
      cost_plus_rmse: costPlus.rmse,
      cost_plus_mae: costPlus.mae,
      cost_plus_mape: costPlus.mape,
      ridge_rmse: ridgeMetrics.rmse,
      ridge_mape: ridgeMetrics.mape,
      coverage80: covered,
      train_rows: train,
      holdout_rows: holdout,
    };
    const version = await ctx.registry.register({
      artifact: final.toArtifact(),
      dataWindow: { from: new Date(first), to: new Date(last) },
      featuresVersion: PRICE_FEATURES_VERSION,
      // Its customer_segment feature is that segmenter's numbering: serving loads the same version with it.
      upstream: segmentation ? { segmentation: segmentation.version } : {},
      fingerprint: priceFingerprint(final, quotations, PRICE_FEATURES_VERSION),
      metrics,
      holdoutId: window.id,
      compress: true,
    });
    return {
      outputs: {
        version: version.version,
        learner: final.validation.chosen,
        rows: quotations.length,
        holdout: window.id,
        rmse: Number(model.rmse.toFixed(1)),
        costPlusRmse: Number(costPlus.rmse.toFixed(1)),
        ridgeRmse: Number(ridgeMetrics.rmse.toFixed(1)),
        coverage80: Number(covered.toFixed(3)),
        segmentation: segmentation?.version ?? null,
      },
    };
  },
};
