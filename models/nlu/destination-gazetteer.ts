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

/** Words right before a place the customer is going to. */
const TOWARD = /\b(?:ir a|ir al|viajar a|viaje a|tour a|tour al|conocer|visitar|ver|prefiero|preferimos|mejor|ahora queremos|queremos|quiero|go to|travel to|trip to|tour to|visit|see|prefer|rather|instead|we want|i want)(?: (?:el|la|los|las|the|lake|lago))?$/;
/** Words right before a place they come from, have been to, or do not want. */
const AWAY = /\b(?:desde|from|somos de|soy de|we are from|i am from|im from|llegamos a|llegamos al|llego a|arrive in|arriving in|arrive at|land in|landing in|saliendo de|leaving from|ya estuvimos en|ya fuimos a|estuvimos en|already been to|been to|no quiero ir a|no queremos ir a|not to|dont want to go to|en vez de|en lugar de|instead of|fly into|flying into|fly in to|not|no|except|excepto|menos)(?: (?:el|la|los|las|the))?$/;

export class DestinationMatcher {
  private readonly aliases: Alias[];

  constructor(readonly entries: readonly GazetteerEntry[]) {
    this.aliases = entries.flatMap((entry, destination) =>
      entry.aliases.map((text) => ({ words: text.split(' '), text, destination, bound: fuzzyBound(text.replace(/ /g, '').length) })),
    );
  }

  /**
   * The destination the customer wants to go to: of the destinations mentioned, one they say they want to reach
   * ("queremos ir a", "visit", "prefiero"), else the first one not named as where they come from, have been or do not
   * want to go ("llegamos a Lima", "somos de Puno", "ya estuvimos en Cusco", "no quiero ir a"), else the first one.
   * Each destination is placed at its earliest mention (on a tie the longer, then the closer alias).
   */
  find(text: string): GazetteerEntry | null {
    const words = wordTokens(normaliseText(text));
    // Every window of 1..longest-alias words, joined once per message.
    const windows: string[][] = [];
    const earliest = new Map<number, { start: number; span: number; distance: number }>();
    for (const alias of this.aliases) {
      const span = alias.words.length;
      const list = (windows[span] ??= Array.from({ length: Math.max(0, words.length - span + 1) }, (_, i) => words.slice(i, i + span).join(' ')));
      const known = earliest.get(alias.destination);
      for (let start = 0; start < list.length; start++) {
        if (known && start > known.start) break;
        const window = list[start];
        let distance: number;
        if (window === alias.text) distance = 0;
        else if (alias.bound === 0 || Math.abs(window.length - alias.text.length) > alias.bound) continue;
        else distance = boundedDamerauLevenshtein(window, alias.text, alias.bound);
        if (distance > alias.bound) continue;
        if (!known || start < known.start || span > known.span || (span === known.span && distance < known.distance)) earliest.set(alias.destination, { start, span, distance });
        break;
      }
    }
    const mentions = [...earliest].map(([destination, m]) => ({ destination, ...m, before: words.slice(Math.max(0, m.start - 4), m.start).join(' ') }));
    mentions.sort((a, b) => a.start - b.start || b.span - a.span || a.distance - b.distance);
    const away = mentions.filter((m) => AWAY.test(m.before));
    const chosen = mentions.find((m) => !away.includes(m) && TOWARD.test(m.before)) ?? mentions.find((m) => !away.includes(m)) ?? mentions[0];
    return chosen ? this.entries[chosen.destination] : null;
  }
}
