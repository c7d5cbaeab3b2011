import { mulberry32, type Rng } from '../../platform/random.ts';

/**
 * Independent random streams per purpose and per entity (customer i, request k…), derived by hashing, so that
 * drawing one more number for one table or one customer never shifts what any other gets: the same seed gives
 * the same world, and adding a column or a table leaves the others byte-identical.
 */
const labelHashes = new Map<string, number>();

function labelHash(seed: number, label: string): number {
  const key = `${seed}:${label}`;
  let h = labelHashes.get(key);
  if (h === undefined) {
    h = 2166136261 ^ seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619);
    h >>>= 0;
    labelHashes.set(key, h);
  }
  return h;
}

/** murmur3's finaliser: every bit of the index reaches every bit of the seed. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function stream(seed: number, label: string, index = 0): Rng {
  return mulberry32(mix(labelHash(seed, label) ^ mix(index + 0x9e3779b9)));
}
