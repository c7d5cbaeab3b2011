import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { CUSTOMER_FEATURES_VERSION, readCustomerFeatures } from '../../features/customer-features.ts';
import { firstFactAt, latestFeatureBuild } from '../../features/feature-builds.ts';
import { CustomerSegmenter, type SegmenterParams } from '../../models/segmentation/customer-segmenter.ts';
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
 * The customer features segments may be drawn on, as sets the step chooses from on validation customers (below).
 * - `who travels, how they buy, what they ask for`: age, party size, budget, lead time and the service levels and
 *   adventure they ask for. It leaves out travel frequency, cancellation rate and satisfaction, which vary as much
 *   within a segment as between segments, and the culture and gastronomy shares, which repeat what the service
 *   level already says. Age counts twice: it is what sets retired travellers' organised groups apart from corporate
 *   incentive groups, which otherwise look alike (large parties asking for superior service far ahead).
 * - `behaviour`: the seven behavioural features, what the first segmentation used.
 * - `every customer feature`.
 * segments-world.bench.ts compares the sets against a generated world's true segments.
 */
export const SEGMENTATION_FEATURES = ['age', 'avg_budget', 'avg_group_size', 'advance_booking_days', 'standard_share', 'luxury_share', 'adventure_share'] as const;
export const SEGMENTATION_EMPHASISED = ['age'] as const;
export const BEHAVIOURAL_FEATURES = ['age', 'travel_frequency', 'avg_budget', 'avg_group_size', 'advance_booking_days', 'cancellation_rate', 'satisfaction'] as const;

export interface FeatureSet {
  name: string;
  /** Feature names, or every feature customer_features has. */
  features: readonly string[] | 'all';
  emphasised: readonly string[];
}

export const FEATURE_SETS: readonly FeatureSet[] = [
  { name: 'who travels, how they buy, what they ask for', features: SEGMENTATION_FEATURES, emphasised: SEGMENTATION_EMPHASISED },
  { name: 'behaviour', features: BEHAVIOURAL_FEATURES, emphasised: [] },
  { name: 'every customer feature', features: 'all', emphasised: [] },
];

/**
 * Segments that move when some customers are left out are not worth naming: a set whose validation stability is
 * below this is chosen only when no set reaches it.
 */
export const MIN_STABILITY = 0.8;

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

/** The segmenter's parameters as the step sets them (the rest at the family's defaults). */
type StepParams = Partial<SegmenterParams> & Pick<SegmenterParams, 'seed' | 'silhouetteSample'>;

interface Customers {
  customerIds: number[];
  featureNames: string[];
  rows: number[][];
}

/**
 * Left-out customers' segments from a model that did not see them, scored two ways: their silhouette (in the
 * standardised space of the others) and their agreement (ARI) with the segments a model fitted on every customer
 * gives them — segments that move when some customers are left out are not worth naming. Returns that model too.
 */
async function scoreLeftOut(data: Customers, leftOut: readonly boolean[], params: StepParams) {
  const pick = <T>(values: readonly T[], out: boolean) => values.filter((_, i) => leftOut[i] === out);
  const fitRows = pick(data.rows, false);
  const leftOutRows = pick(data.rows, true);
  const without = await new CustomerSegmenter(params).fit({ customerIds: pick(data.customerIds, false), featureNames: data.featureNames, rows: fitRows });
  const scaling = fitScaling(fitRows, data.featureNames);
  const points = leftOutRows.map((row) => scaleRow(row, scaling));
  const labels = without.predict(leftOutRows);
  const model = await new CustomerSegmenter(params).fit(data);
  return { model, points, silhouette: silhouetteOf(points, labels, params.seed, params.silhouetteSample), stability: adjustedRandIndex(labels, model.predict(leftOutRows)) };
}

/** A set's features among those customer_features has, and those of its emphasised features it holds. */
function featuresOf(set: FeatureSet, available: readonly string[]): { featureNames: string[]; emphasised: string[] } {
  const featureNames = set.features === 'all' ? [...available] : [...set.features];
  return { featureNames, emphasised: set.emphasised.filter((name) => featureNames.includes(name)) };
}

export interface FeatureSetScore {
  set: FeatureSet;
  /** Silhouette of the validation customers' segments, from a model that did not see them. */
  silhouette: number;
  /** Their agreement (ARI) with the segments a model fitted on them too gives them. */
  stability: number;
}

/** One feature set scored on validation customers: one in five of `training`, by a hash independent of the held-out one. */
async function validateFeatureSet(training: Customers, set: FeatureSet, params: StepParams): Promise<FeatureSetScore> {
  const { featureNames, emphasised } = featuresOf(set, training.featureNames);
  const validation = training.customerIds.map((id) => heldOut(id, params.seed + 1));
  const data = { customerIds: training.customerIds, featureNames, rows: columnsOf(training, featureNames) };
  const { silhouette, stability } = await scoreLeftOut(data, validation, { ...params, emphasised });
  return { set, silhouette, stability };
}

/** Every set of FEATURE_SETS scored on validation customers of `training`; the chosen one: the best silhouette among the stable ones. */
export async function chooseFeatureSet(training: Customers, params: StepParams): Promise<{ chosen: FeatureSetScore; compared: FeatureSetScore[] }> {
  const compared: FeatureSetScore[] = [];
  for (const set of FEATURE_SETS) compared.push(await validateFeatureSet(training, set, params));
  const stable = compared.filter((c) => c.stability >= MIN_STABILITY);
  const chosen = (stable.length > 0 ? stable : compared).reduce((best, c) => (c.silhouette > best.silhouette ? c : best));
  return { chosen, compared };
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
    const params: StepParams = {
      seed,
      minSegments: runParam(ctx, PARAMS.minSegments),
      maxSegments: runParam(ctx, PARAMS.maxSegments),
      searchSample: runParam(ctx, PARAMS.searchSample),
      silhouetteSample: runParam(ctx, PARAMS.silhouetteSample),
    };
    const build = await latestFeatureBuild(ctx.clickhouse, 'customer_features');
    const all = await readCustomerFeatures(ctx.clickhouse);
    if (all.rows.length < 50) throw new InputError(`${all.rows.length} customers with bookings are too few to segment (need 50)`, 'customer_features');
    const held = all.customerIds.map((id) => heldOut(id, seed));

    // The feature set, chosen on validation customers carved from the training ones (never the held-out fifth):
    // the best validation silhouette among the sets whose segments are stable.
    const training = { ...all, customerIds: all.customerIds.filter((_, i) => !held[i]), rows: all.rows.filter((_, i) => !held[i]) };
    const { chosen, compared } = await chooseFeatureSet(training, params);
    ctx.log.info('segmentation feature sets compared on validation customers', { compared: compared.map(({ set, silhouette, stability }) => ({ set: set.name, silhouette, stability })), chosen: chosen.set.name });
    const { featureNames, emphasised } = featuresOf(chosen.set, all.featureNames);
    const data = { customerIds: all.customerIds, featureNames, rows: columnsOf(all, featureNames) };

    // Held-out silhouette, stability, and the registered model (fitted on every customer).
    const { model, points, silhouette: heldoutSilhouette, stability } = await scoreLeftOut(data, held, { ...params, emphasised });
    const customerTypeSilhouette = silhouetteOf(points, all.customerTypes.filter((_, i) => held[i]), seed, params.silhouetteSample);
    const metrics = {
      ...model.metrics(),
      stability,
      heldout_silhouette: heldoutSilhouette,
      customer_type_silhouette: customerTypeSilhouette,
      heldout_customers: points.length,
      customers: data.rows.length,
      validation_silhouette: chosen.silhouette,
      validation_stability: chosen.stability,
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
        featureSet: chosen.set.name,
        featureSetsCompared: compared.map((c) => `${c.set.name}: silhouette ${c.silhouette.toFixed(3)}, stability ${c.stability.toFixed(3)}`).join('; '),
        customers: rows,
      },
    };
  },
};
