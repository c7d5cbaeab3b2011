import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { CUSTOMER_FEATURES_VERSION, readCustomerFeatures } from '../../features/customer-features.ts';
import { firstFactAt, latestFeatureBuild } from '../../features/feature-builds.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { adjustedRandIndex } from '../../models/segmentation/adjusted-rand-index.ts';
import { segmentationFingerprint } from '../../models/segmentation/segmentation-fingerprint.ts';
import { fitScaling, scaleRow } from '../../models/segmentation/standard-scaling.ts';
import { sampleIndices, silhouetteScore } from '../../models/segmentation/silhouette.ts';
import { substream } from '../../platform/random.ts';
import { writeBatch } from './support/batch-output.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { runParam, seedParam } from './support/step-params.ts';

/**
 * Customer segments (issue 3) from customer_features. Held out: one customer in five, chosen by a hash of the
 * customer id (so the same customers stay out night after night). The segmenter fitted on the others assigns
 * them, and the held-out silhouette (in standardised feature space) is compared with that of the booking system's
 * own customer_type: segments must separate customers better than the label sales staff type in. Their agreement
 * with the final model's segments on those customers is recorded as `stability`. The registered
 * segmenter is then fitted on every customer, and every customer's segment is written to customer_segments.
 */
const HELD_OUT_SHARE = 5;

/**
 * The customer features segments are drawn on: who travels (age, party size), how they buy (budget, lead time) and
 * what they ask for (service level, adventure). Left out: travel frequency, cancellation rate and satisfaction,
 * which vary as much within a segment as between segments, so they blur the segments; and the culture and
 * gastronomy shares, which repeat what the service level already says. Age counts twice: it is what sets retired
 * travellers' organised groups apart from corporate incentive groups, which otherwise look alike (large parties
 * asking for superior service far ahead) while party size would split the retired in couples and groups.
 * Chosen by silhouette and the agreement with the true segments on generated worlds (segments-world.bench.ts
 * compares the sets).
 */
export const SEGMENTATION_FEATURES = ['age', 'avg_budget', 'avg_group_size', 'advance_booking_days', 'standard_share', 'luxury_share', 'adventure_share'] as const;
export const SEGMENTATION_EMPHASISED = ['age'] as const;

/** The rows' columns for `names`, in that order. */
export function columnsOf(data: { featureNames: readonly string[]; rows: readonly (readonly number[])[] }, names: readonly string[]): number[][] {
  const index = names.map((name) => {
    const i = data.featureNames.indexOf(name);
    if (i < 0) throw new InputError(`customer_features has no ${name}: rebuild the features (build-features)`, name);
    return i;
  });
  return data.rows.map((row) => index.map((i) => row[i]));
}
const PARAMS = MODEL_FAMILIES.segmentation.params;

function heldOut(customerId: number, seed: number): boolean {
  // Knuth's multiplicative hash: a stable, even split that does not depend on how many customers there are.
  return ((Math.imul(customerId ^ seed, 2654435761) >>> 0) % HELD_OUT_SHARE) === 0;
}

function silhouetteOf(points: number[][], labels: Array<number | string>, seed: number, sample: number): number {
  const names = [...new Set(labels)];
  if (names.length < 2) return 0;
  const codes = labels.map((l) => names.indexOf(l));
  const pick = sampleIndices(points.length, sample, substream(seed, 'held-out silhouette'));
  return silhouetteScore(pick.map((i) => points[i]), pick.map((i) => codes[i]), names.length);
}

export const trainSegmentsStep: Step = {
  name: 'train-segments',
  description: 'Customer segmentation: scaling + PCA + k-means (k by silhouette), scored on held-out customers, segments written per customer',
  reads: ['ch:customer_features'],
  writes: ['model:segmentation', 'ch:customer_segments'],
  after: ['build-features'],
  heavy: true,
  async run(ctx) {
    const seed = seedParam(ctx);
    const params = {
      seed,
      emphasised: SEGMENTATION_EMPHASISED,
      minSegments: runParam(ctx, PARAMS.minSegments),
      maxSegments: runParam(ctx, PARAMS.maxSegments),
      searchSample: runParam(ctx, PARAMS.searchSample),
      silhouetteSample: runParam(ctx, PARAMS.silhouetteSample),
    };
    const build = await latestFeatureBuild(ctx.clickhouse, 'customer_features');
    const all = await readCustomerFeatures(ctx.clickhouse);
    const data = { ...all, featureNames: [...SEGMENTATION_FEATURES], rows: columnsOf(all, SEGMENTATION_FEATURES) };
    if (data.rows.length < 50) throw new InputError(`${data.rows.length} customers with bookings are too few to segment (need 50)`, 'customer_features');

    const held = data.customerIds.map((id) => heldOut(id, seed));
    const pick = <T>(values: readonly T[], out: boolean) => values.filter((_, i) => held[i] === out);
    const trial = await new CustomerSegmenter(params).fit({ customerIds: pick(data.customerIds, false), featureNames: data.featureNames, rows: pick(data.rows, false) });
    const heldRows = pick(data.rows, true);
    const scaling = fitScaling(pick(data.rows, false), data.featureNames);
    const points = heldRows.map((row) => scaleRow(row, scaling));
    const heldoutSilhouette = silhouetteOf(points, trial.predict(heldRows), seed, params.silhouetteSample);
    const customerTypeSilhouette = silhouetteOf(points, pick(data.customerTypes, true), seed, params.silhouetteSample);

    const model = await new CustomerSegmenter(params).fit({ customerIds: data.customerIds, featureNames: data.featureNames, rows: data.rows });
    // Stability: do the held-out customers get the same segments from a model that never saw them as from the one
    // that did? Segments that move when a fifth of the customers is left out are not worth naming.
    const stability = adjustedRandIndex(trial.predict(heldRows), model.predict(heldRows));
    const metrics = {
      ...model.metrics(),
      stability,
      heldout_silhouette: heldoutSilhouette,
      customer_type_silhouette: customerTypeSilhouette,
      heldout_customers: heldRows.length,
      customers: data.rows.length,
    };
    const version = await ctx.registry.register({
      artifact: model.toArtifact(),
      dataWindow: { from: await firstFactAt(ctx.clickhouse), to: build.asOf },
      featuresVersion: CUSTOMER_FEATURES_VERSION,
      fingerprint: segmentationFingerprint(model, data.rows, CUSTOMER_FEATURES_VERSION),
      metrics,
      holdoutId: `segmentation:customers-as-of-${build.asOf.toISOString().slice(0, 7)}:one-in-${HELD_OUT_SHARE}-seed-${seed}`,
    });
    const labels = model.predict(data.rows);
    const names = model.profiles().map((p) => p.name);
    const { rows } = await writeBatch(
      ctx.clickhouse,
      'customer_segments',
      version.version,
      ctx.runId,
      [data.customerIds.map((customerId, i) => ({ customer_id: customerId, segment: labels[i], segment_name: names[labels[i]] }))],
      await ctx.registry.aliases('segmentation'),
    );
    return {
      outputs: {
        version: version.version,
        segments: metrics.segments,
        silhouette: Number(metrics.silhouette.toFixed(3)),
        heldoutSilhouette: Number(heldoutSilhouette.toFixed(3)),
        stability: Number(stability.toFixed(3)),
        customerTypeSilhouette: Number(customerTypeSilhouette.toFixed(3)),
        customers: rows,
      },
    };
  },
};
