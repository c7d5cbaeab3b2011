import { boundedDamerauLevenshtein } from './damerau-levenshtein.ts';
import { normaliseText, wordTokens } from './text-normalisation.ts';

/**
 * Finds the catalogue destination a message names first. Each alias (and the canonical name) is a sequence of
 * normalised words; a window of the message's words matches it exactly or, for long enough aliases, within a
 * bounded Damerau-Levenshtein distance (one edit from 6 letters, two from 9), so "Machu Pichu", "Arequpa" and
 * "Galapagoz" are found while short names ("Lima", "Puno", "Ica") must be spelt right and never match "limo".
 */
export interface CatalogueDestination {
  code: string;
  name: string;
}

export interface GazetteerEntry {
  code: string;
  name: string;
  aliases: string[];
}

interface Alias {
  words: string[];
  text: string;
  destination: number;
  bound: number;
}

export function fuzzyBound(length: number): number {
  if (length >= 9) return 2;
  if (length >= 6) return 1;
  return 0;
}

export function buildGazetteer(destinations: readonly CatalogueDestination[], aliases: Readonly<Record<string, readonly string[]>>): GazetteerEntry[] {
  return destinations.map((d) => {
    // "Chachapoyas & Kuélap": each part of a compound name is a name too, so a destination added to the
    // catalogue is recognised by either part without anyone writing aliases for it.
    const parts = d.name.split(/\s*&\s*|\s+and\s+/).map((p) => normaliseText(p).replace(/^the\s+/, ''));
    const names = new Set([normaliseText(d.name), ...parts, ...(aliases[d.code] ?? []).map(normaliseText)]);
    return { code: d.code, name: d.name, aliases: [...names].map((a) => wordTokens(a).join(' ')).filter((a) => a.length > 0) };
  });
}

export class DestinationMatcher {
  private readonly aliases: Alias[];

  constructor(readonly entries: readonly GazetteerEntry[]) {
    this.aliases = entries.flatMap((entry, destination) =>
      entry.aliases.map((text) => ({ words: text.split(' '), text, destination, bound: fuzzyBound(text.replace(/ /g, '').length) })),
    );
  }

  /** The first destination mentioned (earliest word; on a tie the longer, then the closer alias), or null. */
  find(text: string): GazetteerEntry | null {
    const words = wordTokens(normaliseText(text));
    // Every window of 1..longest-alias words, joined once per message.
    const windows: string[][] = [];
    let best: { start: number; span: number; distance: number; destination: number } | null = null;
    for (const alias of this.aliases) {
      const span = alias.words.length;
      const list = (windows[span] ??= Array.from({ length: Math.max(0, words.length - span + 1) }, (_, i) => words.slice(i, i + span).join(' ')));
      for (let start = 0; start < list.length; start++) {
        if (best && start > best.start) break;
        const window = list[start];
        let distance: number;
        if (window === alias.text) distance = 0;
        else if (alias.bound === 0 || Math.abs(window.length - alias.text.length) > alias.bound) continue;
        else distance = boundedDamerauLevenshtein(window, alias.text, alias.bound);
        if (distance > alias.bound) continue;
        const better = !best || start < best.start || (start === best.start && (span > best.span || (span === best.span && distance < best.distance)));
        if (better) best = { start, span, distance, destination: alias.destination };
        break;
      }
    }
    return best ? this.entries[best.destination] : null;
  }
}
