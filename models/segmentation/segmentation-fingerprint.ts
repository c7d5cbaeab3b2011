import { checkFingerprint, spreadSample, takeFingerprint, type ModelFingerprint } from '../registry/fingerprint.ts';
import type { CustomerSegmenter } from './customer-segmenter.ts';

/** Probes cover the customers' range; a segment number says less than a price, so more of them. */
const PROBES = 12;

// A row's unknown values (NaN) travel in JSON as null.
const toJson = (row: readonly number[]) => row.map((v) => (Number.isFinite(v) ? v : null));
const fromJson = (row: ReadonlyArray<number | null>) => row.map((v) => (v === null ? NaN : v));

function outputsOf(model: CustomerSegmenter): (probe: Array<number | null>) => number[] {
  return (probe) => model.predict([fromJson(probe)]);
}

/** The fingerprint of a fitted segmenter: the segment it gives a few of the customers it learned from. */
export function segmentationFingerprint(model: CustomerSegmenter, rows: readonly (readonly number[])[], featuresVersion: string): ModelFingerprint {
  return takeFingerprint(model.featureNames, featuresVersion, spreadSample(rows, PROBES).map(toJson), outputsOf(model));
}

/** Before a segmenter serves: when its version recorded a fingerprint at training, it must be that model. */
export function checkSegmentationModel(model: CustomerSegmenter, record: { version: string; featuresVersion: string; fingerprint?: ModelFingerprint }): void {
  if (record.fingerprint) checkFingerprint(record.version, record.fingerprint, { featureNames: model.featureNames, featuresVersion: record.featuresVersion, outputsOf: outputsOf(model) });
}
