import { InputError } from '../../platform/errors.ts';

/**
 * Version ids are `<family>-<number>` with the number zero-padded to six digits (`price-000007`), so they sort
 * as text in listings and carry their family, which lets `loadArtifact('price-000007')` need nothing else.
 */
const FAMILY = /^[a-z][a-z0-9_]*$/;
const VERSION = /^([a-z][a-z0-9_]*)-(\d{6,})$/;

export function checkFamily(family: string): void {
  if (typeof family !== 'string' || !FAMILY.test(family)) {
    throw new InputError(`family "${String(family)}" must be lower-case letters, digits and _ (e.g. price)`, 'family');
  }
}

export function formatVersion(family: string, number: number): string {
  return `${family}-${String(number).padStart(6, '0')}`;
}

export function parseVersion(version: string): { family: string; number: number } | undefined {
  const match = VERSION.exec(version);
  return match ? { family: match[1], number: Number(match[2]) } : undefined;
}

/** The number after the highest existing one (1 for the first), so numbers never repeat within a family. */
export function nextVersionNumber(existing: readonly string[], family: string): number {
  let highest = 0;
  for (const version of existing) {
    const parsed = parseVersion(version);
    if (parsed?.family === family && parsed.number > highest) highest = parsed.number;
  }
  return highest + 1;
}
