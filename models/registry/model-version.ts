import { InputError } from '../../platform/errors.ts';
import type { ModelArtifact, Params } from '../contract.ts';
import type { ArtifactEncoding } from './artifact-encoding.ts';
import type { ModelFingerprint } from './fingerprint.ts';
import { checkFamily, parseVersion } from './version-id.ts';

/** What one training run leaves in the registry: immutable once written. */
export interface ModelVersion {
  family: string;
  /** `<family>-<number>`, numbers increasing per family. */
  version: string;
  params: Params;
  /** The bookings the model learned from, as ISO dates. */
  dataWindow: { from: string; to: string };
  /** Version of the feature definitions the rows were computed with. */
  featuresVersion: string;
  /**
   * The versions of other families this one was trained with, by family (`{ segmentation: 'segmentation-000003' }`
   * for a price model whose segment feature came from that segmenter): serving loads exactly these with it.
   */
  upstream: Upstream;
  /** Scores on the holdout, by metric name (rmse, mae, silhouette…). */
  metrics: Record<string, number>;
  /** Two versions' metrics are comparable only when measured on the same holdout. */
  holdoutId: string;
  /** `git:<commit>` or `<package>@<version>`. */
  codeVersion: string;
  createdAt: string;
  artifact: { url: string; key: string; sha256: string; bytes: number; encoding: ArtifactEncoding };
  /** What the model was at training (features, definitions, outputs on probes); absent for versions registered before. */
  fingerprint?: ModelFingerprint;
}

/** Family → version of that family. */
export type Upstream = Readonly<Record<string, string>>;

/** What a training run hands to `register`; the registry adds the version number, code version and checksum. */
export interface VersionInput {
  dataWindow: { from: string | Date; to: string | Date };
  featuresVersion: string;
  /** The other families' versions the model was trained with (none when absent); each must exist. */
  upstream?: Upstream;
  metrics: Record<string, number>;
  holdoutId: string;
  artifact: ModelArtifact;
  /** Store the artefact gzip-compressed (worth it for large JSON artefacts). */
  compress?: boolean;
  /** Taken by the training step from the fitted model, so a loader can tell the artefact is that model. */
  fingerprint?: ModelFingerprint;
}

function isoDate(value: string | Date, field: string): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new InputError(`${field} must be a date, got "${String(value)}"`, field);
  return date.toISOString();
}

function nonEmpty(value: string, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(`${field} must be a non-empty string`, field);
  return value;
}

/** Checks a registration before anything is written; each problem names its field. */
export function checkVersionInput(input: VersionInput): { from: string; to: string } {
  const artifact = input.artifact;
  if (!artifact || typeof artifact !== 'object' || typeof artifact.family !== 'string') {
    throw new InputError('artifact must be a ModelArtifact (family, formatVersion, params, state)', 'artifact');
  }
  checkFamily(artifact.family);
  if (!input.dataWindow) throw new InputError('dataWindow {from, to} is required', 'dataWindow');
  const from = isoDate(input.dataWindow.from, 'dataWindow.from');
  const to = isoDate(input.dataWindow.to, 'dataWindow.to');
  if (from > to) throw new InputError(`dataWindow.from (${from}) is after dataWindow.to (${to})`, 'dataWindow');
  nonEmpty(input.featuresVersion, 'featuresVersion');
  nonEmpty(input.holdoutId, 'holdoutId');
  if (!input.metrics || typeof input.metrics !== 'object') throw new InputError('metrics must be an object of name → number', 'metrics');
  for (const [name, value] of Object.entries(input.metrics)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new InputError(`metric ${name} must be a finite number, got ${String(value)}`, `metrics.${name}`);
    }
  }
  if (input.fingerprint !== undefined) checkFingerprintInput(input.fingerprint, input.featuresVersion);
  if (input.upstream !== undefined) checkUpstream(input.upstream);
  return { from, to };
}

function checkUpstream(upstream: Upstream): void {
  if (!upstream || typeof upstream !== 'object' || Array.isArray(upstream)) throw new InputError('upstream must map a family to one of its versions', 'upstream');
  for (const [family, version] of Object.entries(upstream)) {
    checkFamily(family);
    if (typeof version !== 'string' || parseVersion(version)?.family !== family) {
      throw new InputError(`upstream.${family} must be a ${family} version like ${family}-000001, got ${JSON.stringify(version)}`, `upstream.${family}`);
    }
  }
}

/**
 * A stored record as this code reads it. Versions registered before lineage was a field carried it at the end of
 * their featuresVersion (`price-features-v1+segmentation-000003`); that suffix is read here, once, so nothing
 * else parses feature tags.
 */
export function readVersionRecord(stored: Omit<ModelVersion, 'upstream'> & { upstream?: Upstream }): ModelVersion {
  if (stored.upstream !== undefined) return stored as ModelVersion;
  const suffix = stored.featuresVersion.includes('+') ? stored.featuresVersion.slice(stored.featuresVersion.lastIndexOf('+') + 1) : '';
  const parsed = parseVersion(suffix);
  return { ...stored, upstream: parsed ? { [parsed.family]: suffix } : {} };
}

function checkFingerprintInput(fingerprint: ModelFingerprint, featuresVersion: string): void {
  if (!fingerprint || !Array.isArray(fingerprint.featureNames) || fingerprint.featureNames.some((n) => typeof n !== 'string')) {
    throw new InputError('fingerprint.featureNames must list the feature names the model reads', 'fingerprint.featureNames');
  }
  if (fingerprint.featuresVersion !== featuresVersion) {
    throw new InputError(`fingerprint.featuresVersion (${String(fingerprint.featuresVersion)}) must be the version's featuresVersion (${featuresVersion})`, 'fingerprint.featuresVersion');
  }
  if (!Array.isArray(fingerprint.probes) || fingerprint.probes.length === 0) throw new InputError('fingerprint.probes must hold at least one probe', 'fingerprint.probes');
  fingerprint.probes.forEach((probe, i) => {
    if (!Array.isArray(probe?.output) || probe.output.length === 0 || probe.output.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw new InputError(`fingerprint.probes[${i}].output must be finite numbers`, `fingerprint.probes[${i}].output`);
    }
  });
}
