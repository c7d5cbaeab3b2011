import { SpiritError } from '../../platform/errors.ts';

/**
 * What a model was when it was trained, recorded with its version: the features it reads (in order), the version of
 * their definitions, and its outputs for a few probe inputs taken from its training rows. A checksum only says the
 * file is the file that was registered; an artefact that decodes and loads but is not the trained model — features
 * cut, a learner swapped, a file edited and registered again — reads other features or answers the probes
 * differently, and loading refuses it.
 */
export interface ModelFingerprint {
  featureNames: string[];
  featuresVersion: string;
  probes: Array<{ input: unknown; output: number[] }>;
}

/** An artefact that is not the model its version was trained as. */
export class FingerprintMismatchError extends SpiritError {
  constructor(message: string) {
    super('fingerprint_mismatch', message);
  }
}

/**
 * Relative difference allowed between an output at training and at loading. The same code on the same numbers gives
 * the same result; this only absorbs a last bit from another platform's maths library.
 */
const TOLERANCE = 1e-9;

export function takeFingerprint<I>(featureNames: readonly string[], featuresVersion: string, inputs: readonly I[], outputsOf: (input: I) => number[]): ModelFingerprint {
  return { featureNames: [...featureNames], featuresVersion, probes: inputs.map((input) => ({ input, output: outputsOf(input) })) };
}

/** `count` items spread evenly over `items` (first and last included): probes that cover the training range. */
export function spreadSample<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.round((i * (items.length - 1)) / (count - 1))]);
}

function close(a: number, b: number): boolean {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Object.is(a, b);
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

const listed = (names: readonly string[]) => (names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', '));

/** Throws FingerprintMismatchError saying what differs; returns when the loaded model is the one trained. */
export function checkFingerprint<I>(
  version: string,
  fingerprint: ModelFingerprint,
  loaded: { featureNames: readonly string[]; featuresVersion: string; outputsOf(input: I): number[] },
): void {
  const trained = fingerprint.featureNames;
  if (loaded.featureNames.length !== trained.length || loaded.featureNames.some((name, i) => name !== trained[i])) {
    throw new FingerprintMismatchError(
      `${version} reads ${loaded.featureNames.length} features (${listed(loaded.featureNames)}) but was trained on ${trained.length} (${listed(trained)}): its artefact is not the model that was trained`,
    );
  }
  if (loaded.featuresVersion !== fingerprint.featuresVersion) {
    throw new FingerprintMismatchError(`${version} is recorded with feature definitions ${loaded.featuresVersion} but was trained with ${fingerprint.featuresVersion}`);
  }
  fingerprint.probes.forEach((probe, p) => {
    let output: number[];
    try {
      output = loaded.outputsOf(probe.input as I);
    } catch (err) {
      throw new FingerprintMismatchError(`${version} cannot answer its training probe ${p + 1}: ${(err as Error).message}`);
    }
    const differs = output.length !== probe.output.length || output.some((value, i) => !close(value, probe.output[i]));
    if (differs) {
      throw new FingerprintMismatchError(
        `${version} does not reproduce its training predictions: probe ${p + 1} gives ${output.map((v) => Number(v.toPrecision(8))).join(', ')} where the trained model gave ${probe.output.map((v) => Number(v.toPrecision(8))).join(', ')}`,
      );
    }
  });
}
