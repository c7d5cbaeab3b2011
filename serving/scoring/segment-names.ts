import type { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import type { SegmentProfile } from '../../models/segmentation/segment-profiles.ts';

const profilesByModel = new WeakMap<CustomerSegmenter, SegmentProfile[]>();

/** A served segmenter's profiles, read once per model (profiles() copies them, which is not free per request). */
export function segmentProfiles(segmenter: CustomerSegmenter): SegmentProfile[] {
  let profiles = profilesByModel.get(segmenter);
  if (!profiles) {
    profiles = segmenter.profiles();
    profilesByModel.set(segmenter, profiles);
  }
  return profiles;
}
