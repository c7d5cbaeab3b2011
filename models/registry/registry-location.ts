import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { storeUrl } from './open-store.ts';

/**
 * Where the registry lives: `MODEL_REGISTRY_URL` when set (e.g. `file:///srv/spirit/models`), else
 * `${dataDir}/models`. Read here rather than in platform/config.ts so every reader of the registry (CLI,
 * pipelines, serving) agrees on one rule.
 */
export function registryLocation(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.MODEL_REGISTRY_URL?.trim();
  if (!explicit) return pathToFileURL(path.join(dataDir, 'models')).href;
  // Checked here, where the variable is read, so the error names it rather than the store's own argument.
  storeUrl(explicit, 'MODEL_REGISTRY_URL');
  return explicit;
}
