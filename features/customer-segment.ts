import { CustomerSegmenter } from '../models/segmentation/customer-segmenter.ts';
import type { ModelRegistry } from '../models/registry/model-registry.ts';
import type { ModelVersion } from '../models/registry/model-version.ts';
import { ModelStateError } from '../models/contract.ts';
import { PRICE_FEATURES_VERSION } from './price-feature-definitions.ts';

/**
 * The `customer_segment` price feature: the segment a segmentation model assigns to a customer's features as of
 * the quote. A price model is trained with one segmentation version's numbering, so that version travels with it,
 * in the registry record's featuresVersion (`price-features-v1+segmentation-000003`), and serving loads the same one.
 */
export const NO_SEGMENT = -1;

/** Segments of customer feature rows (named columns); NO_SEGMENT without a model or for a customer with no history. */
export function assignSegments(
  segmenter: CustomerSegmenter | null | undefined,
  customers: ReadonlyArray<{ values: Readonly<Record<string, number>>; hasHistory: boolean }>,
): number[] {
  if (!segmenter) return customers.map(() => NO_SEGMENT);
  const names = segmenter.featureNames;
  const known = customers.map((c, i) => ({ c, i })).filter(({ c }) => c.hasHistory);
  const out = customers.map(() => NO_SEGMENT);
  if (known.length === 0) return out;
  const labels = segmenter.predict(known.map(({ c }) => names.map((n) => c.values[n] ?? NaN)));
  known.forEach(({ i }, k) => (out[i] = labels[k]));
  return out;
}

export function priceFeaturesVersionTag(segmentationVersion: string | null): string {
  return `${PRICE_FEATURES_VERSION}+${segmentationVersion ?? 'no-segmentation'}`;
}

/** The segmentation version a price model was trained with, from its featuresVersion; null when it had none. */
export function segmentationVersionIn(featuresVersion: string): string | null {
  const match = /\+(segmentation-\d+)$/.exec(featuresVersion);
  return match ? match[1] : null;
}

/** The segmenter to compute a price model's features with (null when the model was trained without one). */
export async function segmenterForPriceModel(registry: ModelRegistry, priceVersion: ModelVersion): Promise<{ segmenter: CustomerSegmenter | null; segmentationVersion: string | null }> {
  const segmentationVersion = segmentationVersionIn(priceVersion.featuresVersion);
  if (!segmentationVersion) {
    if (!priceVersion.featuresVersion.startsWith(PRICE_FEATURES_VERSION)) {
      throw new ModelStateError(`${priceVersion.version} was trained with features ${priceVersion.featuresVersion}; this code computes ${PRICE_FEATURES_VERSION}`);
    }
    return { segmenter: null, segmentationVersion: null };
  }
  const segmenter = CustomerSegmenter.fromArtifact(await registry.loadArtifact(await registry.get('segmentation', segmentationVersion)));
  return { segmenter, segmentationVersion };
}
