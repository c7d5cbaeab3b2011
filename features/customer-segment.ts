import { PRICE_FEATURES_VERSION } from './price-feature-definitions.ts';

/**
 * The `customer_segment` price feature: the segment a segmentation model assigns to a customer's features as of
 * the quote. The segmentation model is not features' own: whoever computes the feature (a pipeline step, serving)
 * passes it in this shape, with the registry version whose segment numbering the price model was trained with.
 * models/segmentation's CustomerSegmenter fits CustomerSegmentModel as it is.
 */
export const NO_SEGMENT = -1;

/** A segmentation model as the feature uses it. */
export interface CustomerSegmentModel {
  /** The customer features it reads, in the order of predict's columns (CUSTOMER_FEATURE_NAMES or a subset). */
  readonly featureNames: readonly string[];
  /** The segment of each row of customer features (NaN where unknown). */
  predict(rows: readonly (readonly number[])[]): number[];
}

/** The segmentation model a price feature row is computed with, and its registry version. */
export interface SegmentAssigner {
  /** e.g. `segmentation-000003`: the numbering its segments follow, recorded with the price features. */
  readonly version: string;
  readonly model: CustomerSegmentModel;
}

/** Segments of customer feature rows (named columns); NO_SEGMENT without a model or for a customer with no history. */
export function assignSegments(
  segmentation: SegmentAssigner | null | undefined,
  customers: ReadonlyArray<{ values: Readonly<Record<string, number>>; hasHistory: boolean }>,
): number[] {
  const out = customers.map(() => NO_SEGMENT);
  if (!segmentation) return out;
  const names = segmentation.model.featureNames;
  const known = customers.map((c, i) => ({ c, i })).filter(({ c }) => c.hasHistory);
  if (known.length === 0) return out;
  const labels = segmentation.model.predict(known.map(({ c }) => names.map((n) => c.values[n] ?? NaN)));
  known.forEach(({ i }, k) => (out[i] = labels[k]));
  return out;
}

/** `price-features-v1+segmentation-000003`: the definitions and the segmentation version a price row was computed with. */
export function priceFeaturesVersionTag(segmentationVersion: string | null): string {
  return `${PRICE_FEATURES_VERSION}+${segmentationVersion ?? 'no-segmentation'}`;
}
