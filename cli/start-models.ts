import type { ModelRegistry } from '../models/registry/model-registry.ts';

/**
 * What `npm start` trains, and what it says of a family it trained but does not serve. A family is trained when it
 * has no version judged yet (never trained, or its training failed): neither champion nor challenger. A family whose
 * first version fell short of its baseline has a challenger and no champion (pipelines/steps/evaluate.ts); training
 * it again from the same data gives the same verdict, so a start that counted it as missing retrained every family
 * on every start, and still served none of it. It is named instead, with why, and how to serve it anyway.
 */
export async function familiesToTrain(registry: ModelRegistry, families: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const family of families) {
    const aliases = await registry.aliases(family).catch(() => undefined);
    if (!aliases?.champion && !aliases?.challenger) missing.push(family);
  }
  return missing;
}

/** One line for each family with a challenger and no champion: its routes answer 503 until one is promoted. */
export async function unservedFamilies(registry: ModelRegistry, families: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const family of families) {
    const aliases = await registry.aliases(family).catch(() => undefined);
    if (!aliases || aliases.champion || !aliases.challenger) continue;
    const decision = (await registry.decisions(family)).filter((d) => d.version === aliases.challenger).at(-1);
    // The evaluate step's reason gives both figures and the command that serves it anyway.
    const why = decision?.reason ?? `${aliases.challenger} is the challenger; spirit-ml models promote ${family} ${aliases.challenger} serves it`;
    lines.push(`${family}: no champion, its routes answer 503: ${why}`);
  }
  return lines;
}
