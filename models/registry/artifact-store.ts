/**
 * Where the registry keeps its bytes, addressed by slash-separated keys (`price/versions/price-000007.json`).
 * Small on purpose so object storage (S3, GCS) can implement it later: a write is all-or-nothing, an exclusive
 * write never replaces what is there, and a lock serialises the read-modify-write steps of one family.
 */
export interface ArtifactStore {
  /** The store's own location, e.g. `file:///srv/spirit/models`. */
  readonly url: string;
  /** Atomic write: readers see the old bytes or the new ones, never a partial file. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** Atomic write that fails with `KeyExistsError` when the key already exists (immutable records). */
  putNew(key: string, bytes: Uint8Array): Promise<void>;
  /** The bytes under a key, or undefined when there are none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under a folder prefix (`price/versions/`), recursively, sorted. */
  list(prefix: string): Promise<string[]>;
  /** The location of one key, recorded in model versions so people and other tools can find an artefact. */
  urlOf(key: string): string;
  /** Waits for an exclusive lock named by `key` and returns the function that releases it. */
  lock(key: string): Promise<() => Promise<void>>;
}

export class KeyExistsError extends Error {
  constructor(readonly key: string) {
    super(`${key} already exists`);
    this.name = 'KeyExistsError';
  }
}

export interface StoreOptions {
  /** How long `lock` waits for another process before giving up with an error naming the holder. */
  lockTimeoutMs?: number;
}
