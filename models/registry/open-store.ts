import { fileURLToPath } from 'node:url';
import { InputError } from '../../platform/errors.ts';
import type { ArtifactStore, StoreOptions } from './artifact-store.ts';
import { FileArtifactStore } from './file-store.ts';

/**
 * A store's location checked: a URL of a scheme implemented here (only `file:`), any other refused by name. Errors
 * name `field`: the store's argument, or the variable the location came from (MODEL_REGISTRY_URL).
 */
export function storeUrl(location: string, field = 'location'): URL {
  const from = field === 'location' ? '' : `${field}: `;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new InputError(`${from}model registry location "${location}" is not a URL (expected e.g. file:///srv/spirit/models)`, field);
  }
  if (url.protocol !== 'file:') {
    throw new InputError(`${from}model registry scheme "${url.protocol.replace(/:$/, '')}" is not supported (only file: is implemented), in "${location}"`, field);
  }
  return url;
}

/** Opens a store from its location URL. */
export function openArtifactStore(location: string, options: StoreOptions = {}): ArtifactStore {
  return new FileArtifactStore(fileURLToPath(storeUrl(location)), options);
}
