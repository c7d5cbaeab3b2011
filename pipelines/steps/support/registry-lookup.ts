import type { ModelRegistry } from '../../../models/registry/model-registry.ts';
import type { ModelVersion } from '../../../models/registry/model-version.ts';

/** The newest registered version of a family (the one a step earlier in this run trained), or null. */
export async function newestVersion(registry: ModelRegistry, family: string): Promise<ModelVersion | null> {
  const versions = await registry.list(family);
  return versions.length ? versions[versions.length - 1] : null;
}
