import { checkFingerprint, spreadSample, takeFingerprint, type ModelFingerprint } from '../registry/fingerprint.ts';
import type { ItineraryRecommender } from './recommender.ts';

const PROBES = 6;
/** Scores of the first itineraries of the catalogue: enough to tell two sets of factors apart. */
const SCORES = 10;

function outputsOf(model: ItineraryRecommender): (userId: string) => number[] {
  return (userId) => {
    const scores = new Float32Array(model.itemIds.length);
    model.scoreCatalogue(userId, scores);
    return Array.from(scores.subarray(0, SCORES));
  };
}

/** A customer no model has seen: scored by popularity, the path a popularity-only model takes for everyone. */
const UNSEEN_CUSTOMER = 'fingerprint-unseen-customer';

/**
 * The fingerprint of a fitted recommender: its scores for a few of the customers it learned from and for one it has
 * never seen. It reads no named features.
 */
export function recommenderFingerprint(model: ItineraryRecommender, featuresVersion: string): ModelFingerprint {
  return takeFingerprint([], featuresVersion, [...spreadSample(model.customerIds, PROBES), UNSEEN_CUSTOMER], outputsOf(model));
}

/** Before a recommender serves: when its version recorded a fingerprint at training, it must be that model. */
export function checkRecommenderModel(model: ItineraryRecommender, record: { version: string; featuresVersion: string; fingerprint?: ModelFingerprint }): void {
  if (record.fingerprint) checkFingerprint(record.version, record.fingerprint, { featureNames: [], featuresVersion: record.featuresVersion, outputsOf: outputsOf(model) });
}
