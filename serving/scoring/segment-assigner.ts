import type { SegmentAssigner } from '../../features/customer-segment.ts';
import type { PricingModel } from '../champions/families.ts';

/**
 * The served price model's segmentation (the version it was trained with, loaded with it) as features/ takes it,
 * or null when the price model was trained without one.
 */
export function segmentAssigner(priced: Pick<PricingModel, 'segmenter' | 'segmentationVersion'>): SegmentAssigner | null {
  return priced.segmenter && priced.segmentationVersion ? { version: priced.segmentationVersion, model: priced.segmenter } : null;
}
