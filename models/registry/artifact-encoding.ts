import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SpiritError } from '../../platform/errors.ts';
import type { ModelArtifact } from '../contract.ts';

/**
 * Artefacts are stored as JSON, optionally gzip-compressed, and identified by the sha256 of the stored bytes:
 * the checksum is recorded at registration and verified on every load, so a truncated or altered file is
 * refused before any model is built from it.
 */
export type ArtifactEncoding = 'json' | 'json+gzip';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function encodeArtifact(artifact: ModelArtifact, encoding: ArtifactEncoding): Buffer {
  const json = Buffer.from(JSON.stringify(artifact));
  return encoding === 'json+gzip' ? gzipSync(json) : json;
}

/** Serving catches this to keep the model it already has. */
export class CorruptArtifactError extends SpiritError {
  constructor(message: string) {
    super('corrupt_artifact', message);
  }
}

export function decodeArtifact(bytes: Buffer, encoding: ArtifactEncoding, expectedSha256: string, where: string): ModelArtifact {
  const actual = sha256(bytes);
  if (actual !== expectedSha256) {
    throw new CorruptArtifactError(`artefact ${where} is corrupt: sha256 ${actual} does not match the recorded ${expectedSha256}`);
  }
  try {
    const json = encoding === 'json+gzip' ? gunzipSync(bytes) : bytes;
    return JSON.parse(json.toString('utf8')) as ModelArtifact;
  } catch (err) {
    throw new CorruptArtifactError(`artefact ${where} cannot be decoded as ${encoding}: ${(err as Error).message}`);
  }
}
