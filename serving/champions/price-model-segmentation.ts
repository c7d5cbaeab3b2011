import type { SegmentAssigner } from '../../features/customer-segment.ts';
import { PRICE_FEATURES_VERSION } from '../../features/price-feature-definitions.ts';
import { ModelStateError } from '../../models/contract.ts';
import type { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../models/registry/model-version.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';

/**
 * The segmentation model a price model's `customer_segment` feature must be computed with: the version it was
 * trained with, whatever the segmentation champion is today. features/ never loads a model; serving hands this one
 * to the feature functions as their SegmentAssigner.
 */
export async function segmenterForPriceModel(registry: ModelRegistry, priceVersion: ModelVersion): Promise<{ segmenter: CustomerSegmenter | null; segmentationVersion: string | null }> {
  const segmentationVersion = segmentationVersionOf(priceVersion);
  if (!segmentationVersion) return { segmenter: null, segmentationVersion: null };
  const segmenter = CustomerSegmenter.fromArtifact(await registry.loadArtifact(await registry.get('segmentation', segmentationVersion)));
  return { segmenter, segmentationVersion };
}

/** The pair as features take it (a SegmentAssigner), or null when the price model was trained without a segmentation. */
export function segmentAssigner(priced: { segmenter: CustomerSegmenter | null; segmentationVersion: string | null }): SegmentAssigner | null {
  return priced.segmenter && priced.segmentationVersion ? { version: priced.segmentationVersion, model: priced.segmenter } : null;
}

/**
 * The segmentation version recorded with a price model; null when it was trained without one. The registry keeps it
 * only inside featuresVersion (`price-features-v1+segmentation-000003`, written by train-price) until it records a
 * model's upstream versions as a field of their own; this is the one place that reads the tag.
 */
function segmentationVersionOf(priceVersion: ModelVersion): string | null {
  const match = /\+(segmentation-\d+)$/.exec(priceVersion.featuresVersion);
  if (match) return match[1];
  if (!priceVersion.featuresVersion.startsWith(PRICE_FEATURES_VERSION)) {
    throw new ModelStateError(`${priceVersion.version} was trained with features ${priceVersion.featuresVersion}; this code computes ${PRICE_FEATURES_VERSION}`);
  }
  return null;
}
