import { fileURLToPath } from 'node:url';
import { InputError } from '../../platform/errors.ts';
import type { ArtifactStore, StoreOptions } from './artifact-store.ts';
import { FileArtifactStore } from './file-store.ts';

/** Opens a store from its location URL; only `file:` is implemented, any other scheme is refused by name. */
export function openArtifactStore(location: string, options: StoreOptions = {}): ArtifactStore {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new InputError(`model registry location "${location}" is not a URL (expected e.g. file:///srv/spirit/models)`, 'location');
  }
  if (url.protocol === 'file:') return new FileArtifactStore(fileURLToPath(url), options);
  throw new InputError(
    `model registry scheme "${url.protocol.replace(/:$/, '')}" is not supported (only file: is implemented), in "${location}"`,
    'location',
  );
}
