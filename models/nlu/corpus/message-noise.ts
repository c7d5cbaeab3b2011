import type { Rng } from '../../../platform/random.ts';
import { stripAccents } from '../text-normalisation.ts';

/**
 * How real WhatsApp messages differ from the templates: no accents, all lower case, a typo here and there
 * (a letter dropped, doubled, swapped or hit next door), shorthand ("q", "xq", "porfa", "pls", "u"), and
 * shouting or no punctuation. Each kind is applied with its own probability so the corpus keeps clean
 * messages too.
 */
const SHORTHAND: Array<[RegExp, string[]]> = [
  [/\bque\b/g, ['q', 'k', 'ke']],
  [/\bpor favor\b/g, ['porfa', 'xfa', 'x favor', 'pf']],
  [/\bporque\b/g, ['xq', 'pq', 'porq']],
  [/\bpara\b/g, ['pa', 'p/', 'x']],
  [/\btambién\b/g, ['tmb', 'tb']],
  [/\bquiero\b/g, ['kiero', 'qiero']],
  [/\bsaludos\b/g, ['slds']],
  [/\bplease\b/g, ['pls', 'plz']],
  [/\byou\b/g, ['u']],
  [/\bthanks\b/g, ['thx', 'tks', 'ty']],
  [/\bare\b/g, ['r']],
  [/\bpeople\b/g, ['ppl', 'pax']],
  [/\bpersonas\b/g, ['pax', 'prsonas', 'personas']],
  [/\bwith\b/g, ['w/', 'w']],
];

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'sq', s: 'ad', d: 'sf', e: 'wr', r: 'et', t: 'ry', o: 'ip', i: 'uo', n: 'bm', m: 'n', c: 'xv', u: 'yi', l: 'k', p: 'o',
};

export function typo(word: string, rng: Rng): string {
  if (word.length < 4) return word;
  const i = 1 + Math.floor(rng() * (word.length - 2));
  const kind = rng();
  if (kind < 0.3) return word.slice(0, i) + word.slice(i + 1);
  if (kind < 0.55) return word.slice(0, i) + word[i] + word.slice(i);
  if (kind < 0.8) return word.slice(0, i - 1) + word[i] + word[i - 1] + word.slice(i + 1);
  const near = KEYBOARD_NEIGHBOURS[word[i]];
  return near ? word.slice(0, i) + near[Math.floor(rng() * near.length)] + word.slice(i + 1) : word;
}

export function addNoise(text: string, rng: Rng, strength = 1): string {
  let out = text;
  if (rng() < 0.55 * strength) out = stripAccents(out);
  if (rng() < 0.6 * strength) out = out.toLowerCase();
  if (rng() < 0.5 * strength) {
    for (const [pattern, options] of SHORTHAND) {
      if (rng() < 0.5) out = out.replace(pattern, () => options[Math.floor(rng() * options.length)]);
    }
  }
  if (rng() < 0.45 * strength) {
    out = out
      .split(' ')
      .map((w) => (rng() < 0.12 ? typo(w, rng) : w))
      .join(' ');
  }
  if (rng() < 0.25 * strength) out = out.replace(/[¿¡.,]/g, '');
  if (rng() < 0.1 * strength) out = out.toUpperCase();
  if (rng() < 0.1 * strength) out = out.replace(/[?!]$/, (p) => p.repeat(2 + Math.floor(rng() * 2)));
  return out.replace(/\s+/g, ' ').trim();
}
