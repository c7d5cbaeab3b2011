import { checkFingerprint, FingerprintMismatchError, spreadSample, takeFingerprint, type ModelFingerprint } from '../registry/fingerprint.ts';
import type { PriceModel } from './price-model.ts';
import type { FeatureRow, Quotation } from './quotations.ts';

/** A quotation the price model is asked about at training and again at loading. */
interface PriceProbe {
  features: FeatureRow;
  cost: number;
}

const PROBES = 5;

function outputsOf(model: PriceModel): (probe: PriceProbe) => number[] {
  return (probe) => {
    const [s] = model.predict([probe]);
    return [s.mean, s.lo80, s.hi80];
  };
}

/** The fingerprint of a fitted price model: its prices (and range) for a few of the quotations it learned from. */
export function priceFingerprint(model: PriceModel, rows: readonly Quotation[], featuresVersion: string): ModelFingerprint {
  const names = model.featureNames;
  const probes = spreadSample(rows, PROBES).map((q) => ({ features: Object.fromEntries(names.map((n) => [n, q.features[n]])), cost: q.cost }));
  return takeFingerprint(names, featuresVersion, probes, outputsOf(model));
}

/**
 * Before a price model serves: it must read exactly the features serving computes, and, when its version recorded a
 * fingerprint at training, be that model (same features, same definitions, same prices for the probes).
 */
export function checkPriceModel(model: PriceModel, record: { version: string; featuresVersion: string; fingerprint?: ModelFingerprint }, servedFeatureNames: readonly string[]): void {
  const served = new Set(servedFeatureNames);
  const reads = model.featureNames;
  const unknown = reads.filter((n) => !served.has(n));
  const unread = servedFeatureNames.filter((n) => !reads.includes(n));
  if (unknown.length > 0 || unread.length > 0) {
    const parts = [unknown.length > 0 ? `reads features serving does not compute (${unknown.join(', ')})` : '', unread.length > 0 ? `ignores served features (${unread.join(', ')})` : ''];
    throw new FingerprintMismatchError(`${record.version} does not match the served price features: it ${parts.filter(Boolean).join(' and ')}`);
  }
  if (record.fingerprint) checkFingerprint(record.version, record.fingerprint, { featureNames: reads, featuresVersion: record.featuresVersion, outputsOf: outputsOf(model) });
}
