import { pick, substream, type Rng } from '../../../platform/random.ts';
import type { GazetteerEntry } from '../destination-gazetteer.ts';
import { INTENTS, type Intent, type Language, type MessageEntities } from '../intents.ts';
import { CLOSINGS, SPANGLISH, TEMPLATES } from './message-templates.ts';
import { addNoise } from './message-noise.ts';
import { budgetPhrase, datePhrase, levelPhrase, moneyPhrase, partyPhrase } from './slot-phrases.ts';

/**
 * The generated training corpus: templates × catalogue destinations (canonical names, aliases, landmarks) ×
 * slot phrases, then paraphrase-level noise (missing accents, typos, shorthand, Spanglish, numbers in words,
 * a greeting before the request). Seeded: the same seed and destinations give the same messages.
 * Dates are filled but not labelled (only `datesMentioned`): their truth depends on "today", and the date grammar
 * is measured on the hand-written corpora instead.
 */
export interface GeneratedMessage {
  text: string;
  lang: Language;
  intent: Intent;
  entities: Omit<MessageEntities, 'date_from' | 'date_to'>;
  datesMentioned: boolean;
}

export interface CorpusOptions {
  seed: number;
  /** Messages per intent and language. */
  perIntentAndLanguage: number;
}

const BARE_BEFORE = new Set(['a', 'en', 'de', 'del', 'para', 'to', 'in', 'for', 'of', 'at', 'lo', 'visit', 'y', 'and', 'pa', 'do']);
const PREPOSITIONS: Record<Language, string[]> = { es: ['a', 'en', 'de', 'para'], en: ['to', 'in', 'for'] };

function fill(template: string, lang: Language, intent: Intent, destinations: readonly GazetteerEntry[], rng: Rng): GeneratedMessage {
  const entities: GeneratedMessage['entities'] = { destination: null, party_size: null, budget: null, service_level: null };
  let datesMentioned = false;
  const text = template.replace(/(\S*)(\s*)\{(dest|dates|party|budget|level|money|num)(\?)?\}/g, (_all, before: string, space: string, slot: string, optional?: string) => {
    if (optional && rng() < 0.5) return before;
    let phrase: string;
    switch (slot) {
      case 'dest': {
        const d = pick(rng, destinations);
        const name = rng() < 0.3 ? d.name : pick(rng, d.aliases);
        entities.destination ??= d.name;
        const bare = BARE_BEFORE.has(before.toLowerCase()) || before === '';
        phrase = bare ? name : `${pick(rng, PREPOSITIONS[lang])} ${name}`;
        break;
      }
      case 'dates':
        datesMentioned = true;
        phrase = datePhrase(lang, rng);
        break;
      case 'party': {
        const p = partyPhrase(lang, rng);
        entities.party_size ??= p.value;
        phrase = p.text;
        break;
      }
      case 'budget': {
        const b = budgetPhrase(lang, rng);
        entities.budget ??= b.value;
        phrase = b.text;
        break;
      }
      case 'level': {
        const l = levelPhrase(lang, rng);
        entities.service_level ??= l.value;
        phrase = l.text;
        break;
      }
      case 'money':
        phrase = moneyPhrase(rng);
        break;
      default:
        phrase = String(1000 + Math.floor(rng() * 9000));
    }
    return `${before}${space || (before ? ' ' : '')}${phrase}`;
  });
  return { text: text.replace(/\s+([?,.!])/g, '$1').replace(/,\s*,/g, ',').replace(/\s+/g, ' ').trim(), lang, intent, entities, datesMentioned };
}

export function generateTrainingCorpus(destinations: readonly GazetteerEntry[], options: CorpusOptions): GeneratedMessage[] {
  const out: GeneratedMessage[] = [];
  for (const intent of INTENTS) {
    for (const lang of ['es', 'en'] as const) {
      const rng = substream(options.seed, `${intent}/${lang}`);
      for (let i = 0; i < options.perIntentAndLanguage; i++) {
        const message = fill(pick(rng, TEMPLATES[intent][lang]), lang, intent, destinations, rng);
        let text = message.text;
        if (intent !== 'greeting' && rng() < 0.25) text = `${pick(rng, TEMPLATES.greeting[lang])}${pick(rng, [', ', '! ', ' ', '. '])}${text}`;
        if (rng() < 0.2) text = `${text}${pick(rng, [' ', ', ', '. '])}${pick(rng, CLOSINGS[lang])}`;
        if (rng() < 0.12) {
          const [pattern, other] = pick(rng, SPANGLISH);
          text = text.replace(pattern, other);
        }
        if (rng() < 0.75) text = addNoise(text, rng, rng() < 0.3 ? 1.5 : 1);
        out.push({ ...message, text });
      }
    }
  }
  return out;
}
