import type { Intent, MessageEntities, ServiceLevel } from './intents.ts';

/**
 * The seed's keyword rules (issue 27 §3.2), kept to compare against: the first keyword list that matches the
 * lower-cased message wins, in a fixed order, with exact spelling (no accent or typo tolerance). Entities are
 * the matching literal forms: a catalogue name as written, "N personas/people", "$N", a date as YYYY-MM-DD,
 * "lujo"/"luxury"-style words. No repository rules existed to port, so these are the simple rules the seed
 * describes, written down once and not tuned.
 */
const INTENT_KEYWORDS: Array<[Intent, string[]]> = [
  ['greeting', ['hola', 'hello', 'hi ', 'buenos días', 'buenas tardes', 'good morning']],
  ['quotation_request', ['cotizar', 'cotización', 'precio', 'cuánto cuesta', 'quote', 'price', 'how much']],
  ['booking', ['reservar', 'reserva', 'book', 'reservation']],
  ['itinerary_info', ['itinerario', 'incluye', 'itinerary', 'include']],
  ['support', ['ayuda', 'problema', 'queja', 'help', 'problem', 'complaint']],
  ['payment', ['pago', 'pagar', 'tarjeta', 'payment', 'pay', 'card']],
  ['cancellation', ['cancelar', 'cancel', 'reembolso', 'refund']],
];

export function keywordIntent(text: string): Intent {
  const t = ` ${text.toLowerCase()} `;
  for (const [intent, words] of INTENT_KEYWORDS) if (words.some((w) => t.includes(w))) return intent;
  return 'general';
}

const LEVEL_KEYWORDS: Array<[ServiceLevel, string[]]> = [
  ['luxury', ['lujo', 'luxury']],
  ['superior', ['superior']],
  ['standard', ['económico', 'standard', 'estándar']],
];

export function keywordEntities(text: string, destinationNames: readonly string[]): MessageEntities {
  const t = text.toLowerCase();
  const destination = destinationNames.find((name) => t.includes(name.toLowerCase())) ?? null;
  const party = /(\d+)\s*(personas|people)/.exec(t);
  const money = /\$\s*(\d+)/.exec(t);
  const iso = /(\d{4}-\d{2}-\d{2})/.exec(t);
  const level = LEVEL_KEYWORDS.find(([, words]) => words.some((w) => t.includes(w)))?.[0] ?? null;
  return {
    destination,
    date_from: iso ? iso[1] : null,
    date_to: null,
    party_size: party ? Number(party[1]) : null,
    budget: money ? { amount: Number(money[1]), currency: 'USD' } : null,
    service_level: level,
  };
}
