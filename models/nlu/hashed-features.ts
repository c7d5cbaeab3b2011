import { normaliseText, wordTokens } from './text-normalisation.ts';

/**
 * Text → sparse vector by the hashing trick: character n-grams (within " word " with its boundaries, so "cusco"
 * and "kusko" share "usc"-like pieces and typos cost a few n-grams, not the whole word) plus word unigrams and
 * bigrams. No vocabulary to store: the artefact is only the weights. Counts are log-scaled and the vector is
 * L2-normalised, so a long message does not shout over a short one.
 */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface FeatureSpec {
  /** log2 of the number of hash buckets. */
  hashBits: number;
  minCharGram: number;
  maxCharGram: number;
}

/** FNV-1a over a string with a salt per feature kind, so "ab" as a char gram and "ab" as a word do not collide. */
export function fnv1a(text: string, salt: number): number {
  let h = (2166136261 ^ salt) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const CHAR_SALT = 0x51;
const WORD_SALT = 0x77;
const BIGRAM_SALT = 0xb1;

export function hashedFeatures(text: string, spec: FeatureSpec): SparseVector {
  const mask = (1 << spec.hashBits) - 1;
  const counts = new Map<number, number>();
  const add = (key: string, salt: number) => {
    const bucket = fnv1a(key, salt) & mask;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  };
  const words = wordTokens(normaliseText(text));
  for (let w = 0; w < words.length; w++) {
    const word = words[w];
    add(word, WORD_SALT);
    if (w > 0) add(words[w - 1] + ' ' + word, BIGRAM_SALT);
    const padded = ` ${word} `;
    for (let n = spec.minCharGram; n <= spec.maxCharGram; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(padded.slice(i, i + n), CHAR_SALT + n);
    }
  }
  const indices = new Int32Array(counts.size);
  const values = new Float32Array(counts.size);
  let i = 0;
  let norm = 0;
  for (const [bucket, count] of counts) {
    const value = 1 + Math.log(count);
    indices[i] = bucket;
    values[i] = value;
    norm += value * value;
    i++;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let j = 0; j < values.length; j++) values[j] *= scale;
  return { indices, values };
}
