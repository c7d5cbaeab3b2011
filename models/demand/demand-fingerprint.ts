import { checkFingerprint, spreadSample, takeFingerprint, type ModelFingerprint } from '../registry/fingerprint.ts';
import type { DemandForecaster } from './demand-forecaster.ts';

/** Series spread over the fitted ones (first and last included). */
const PROBES = 5;
/** Steps forecast per probe: two weeks of a daily model, a season of a weekly one; enough to tell two states apart. */
const STEPS = 14;

/**
 * Forecasts rounded to six decimals: the fingerprint records what the model says, not the last bits of the maths
 * library that said it.
 */
const round = (value: number) => Number(value.toFixed(6));

function outputsOf(model: DemandForecaster): (seriesId: string) => number[] {
  return (seriesId) => {
    const [f] = model.predict([{ seriesId, horizon: STEPS }]);
    return [...f.mean, ...f.lo80, ...f.hi80].map(round);
  };
}

/**
 * The fingerprint of a fitted demand forecaster: its forecasts (mean and 80% bounds) for a few of its series at a
 * fixed horizon. It reads series, not named features.
 */
export function demandFingerprint(model: DemandForecaster, featuresVersion: string): ModelFingerprint {
  return takeFingerprint([], featuresVersion, spreadSample(model.seriesIds, PROBES), outputsOf(model));
}

/** Before a demand forecaster serves: when its version recorded a fingerprint at training, it must be that model. */
export function checkDemandModel(model: DemandForecaster, record: { version: string; featuresVersion: string; fingerprint?: ModelFingerprint }): void {
  if (record.fingerprint) checkFingerprint(record.version, record.fingerprint, { featureNames: [], featuresVersion: record.featuresVersion, outputsOf: outputsOf(model) });
}
