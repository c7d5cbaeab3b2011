/**
 * The one contract every model family in models/ follows (after scikit-learn's estimator):
 * - the constructor takes hyperparameters only and stores them unchanged (`params`);
 * - `fit` learns state from data and returns the estimator (async, since some families train on worker threads);
 * - `predict` uses the learned state and never changes it;
 * - `toArtifact` / the family's static `fromArtifact` serialise to and from a versioned, JSON-safe artefact.
 * Hyperparameters are plain data, so the registry stores them next to the metrics without extra code.
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

export interface Estimator<FitData, Input, Output> {
  readonly family: string;
  readonly params: Params;
  fit(data: FitData): Promise<this>;
  predict(input: Input): Output;
  toArtifact(): ModelArtifact;
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
