/**
 * The one contract every model family in models/ follows (after scikit-learn's estimator):
 * - the constructor takes hyperparameters only and stores them unchanged (`params`);
 * - `fit` learns state from data and returns the estimator (async, since some families train on worker threads);
 * - `predict` takes a batch and returns one answer per item, in order; it uses the learned state and never changes it;
 * - `metrics` reports, as numbers, what fitting measured (validation scores, sizes);
 * - `toArtifact` / the family's static `fromArtifact` serialise to and from a versioned, JSON-safe artefact.
 * Hyperparameters are plain data, so the registry stores them next to the metrics without extra code.
 * A prediction with a range names it `mean`, `lo80`, `hi80` (and `lo95`, `hi95` where there is one).
 */
export type Params = Record<string, string | number | boolean | null | readonly (string | number)[]>;

export interface ModelArtifact<State = unknown> {
  /** Model family, e.g. `price`, `segmentation`, `recommender`, `demand`. */
  family: string;
  /** Version of the artefact format; `fromArtifact` refuses a version it does not know. */
  formatVersion: number;
  params: Params;
  state: State;
}

/** `Batch` is many inputs (a list, or a feature matrix's rows); `Answers` has one answer per input, in order. */
export interface Estimator<FitData, Batch, Answers> {
  readonly family: string;
  readonly params: Params;
  fit(data: FitData): Promise<this>;
  predict(batch: Batch): Answers;
  metrics(): Record<string, number>;
  toArtifact(): ModelArtifact;
}

/**
 * The hyperparameters an artefact recorded, typed by the family's defaults: only the names the family knows, each
 * of its default's type (null allowed where the default may be null). Ranges are the constructor's to check.
 */
export function readParams<P extends Params>(params: Params, defaults: P, family: string): Partial<P> {
  const out: Partial<Record<string, Params[string]>> = {};
  for (const [name, fallback] of Object.entries(defaults)) {
    if (!Object.hasOwn(params, name)) continue;
    const value = params[name];
    const sameKind = value === null || (Array.isArray(fallback) ? Array.isArray(value) : typeof value === typeof fallback || fallback === null);
    if (!sameKind) throw new ModelStateError(`the ${family} artefact's parameter ${name} is ${JSON.stringify(value)}, not a ${Array.isArray(fallback) ? 'list' : typeof fallback}`);
    out[name] = value;
  }
  return out as Partial<P>;
}

/** Raised by `predict` before `fit`, and by `fromArtifact` on a wrong family or format version. */
export class ModelStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelStateError';
  }
}

export function checkArtifact(artifact: ModelArtifact, family: string, formatVersion: number): void {
  if (artifact?.family !== family) {
    throw new ModelStateError(`artefact is of family "${String(artifact?.family)}", expected "${family}"`);
  }
  if (artifact.formatVersion !== formatVersion) {
    throw new ModelStateError(`artefact format ${artifact.formatVersion} of ${family} is not readable by this code (reads ${formatVersion})`);
  }
}

/** Typed arrays travel in artefacts as base64, so a JSON artefact stays compact and exact. */
export function encodeFloat64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat64(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Float64Array(copy);
}

export function encodeFloat32(values: Float32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat32(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Float32Array(copy);
}

export function encodeInt32(values: Int32Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeInt32(text: string): Int32Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return new Int32Array(copy);
}
