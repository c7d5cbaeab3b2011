import type { Budget } from './intents.ts';
import { NUMBER_WORDS_PATTERN, numberValue, wholeNumber } from './number-words.ts';
import { normaliseText } from './text-normalisation.ts';

/**
 * A budget as stated: amount, currency and, when the message says so, whether it is per person or for the whole
 * party. `$`, "dólares", "usd" and a bare "10k" are USD; "S/", "soles" PEN; "€", "euros" EUR; "£", "GBP", "libras
 * esterlinas" GBP. "2 mil" is 2,000,
 * "1.500" (a thousands dot) and "4,000" are 1,500 and 4,000, "1.500,50" and "1,500.50" both 1,500.50; amounts in
 * words count too ("mil quinientos dólares", "fifteen hundred dollars"). Money already paid, deposited, charged or
 * refunded is not a budget; a plain number counts only right after "presupuesto" or "budget" (and is then taken as
 * USD, the currency quotations are made in).
 */
// Thousands grouped with dots and cents after a comma ("1.500,50"), grouped with commas and cents after a dot
// ("1,500.50"), or plain with cents either way ("1500,50", "99.90").
// Thousands grouped with spaces count too ("1 500 dólares"), or the amount read is the last group alone; not after
// a party's "para 2" ("para 2 500 dólares c/u" is 500 each for two).
const DIGITS = '\\d{1,3}(?:\\.\\d{3})+(?:,\\d{1,2})?|\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|(?<!\\b(?:para|for|somos|we are|x)\\s)\\d{1,3}(?: \\d{3})+(?![\\d.,])|\\d+(?:[.,]\\d{1,2})?';
// Whole, group 1 of each pattern: "maximo 25 personas" must not fall back to "maximo 2", which "personas" does not follow.
const AMOUNT = wholeNumber('amount', `${DIGITS}|${NUMBER_WORDS_PATTERN}`);
const MIL = '(\\s*(?:mil|k)\\b)?';
/** "unos tres mil", "around two thousand": a rough figure is still the budget. */
const ROUGHLY = '(?:(?:unos|unas|como|alrededor de|cerca de|aprox|aproximadamente|about|around|roughly|some)\\s+)?';
/**
 * What a bare number after "maximo", "tope", "presupuesto" counts when it is no money: people, durations, ratings
 * ("maximo tres semanas", "max four hours of hiking", "budget of three stars"). Word starts: "semana" is "semanas" too.
 */
const NOT_MONEY = '(?:person|people|pax|adult|nin|kid|child|hij|amig|friend|alumn|student|viajer|traveller|traveler|pasajer|passenger|noche|night|dia|day|semana|week|hora|hour|minut|mes|month|ano|year|estrella|star|km|kilomet|metro|meter|%)';
/**
 * A bare number (no currency, no "mil"/"k") below this is no budget: under USD 50 buys no programme even per person,
 * while "maximo 10", "tope 30" are far more often a count (of people, of days) than money.
 */
const BARE_MINIMUM = 50;
const PATTERNS: Array<{ pattern: RegExp; currency: Budget['currency'] | 'from-word'; amountGroup: number; milGroup: number; bare?: true }> = [
  // Markers start a word: "adults/2" is not S/ 2, "open 24 hours" not PEN 24.
  { pattern: new RegExp(`(?<![a-z0-9])(?:s/\\.?|pen)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'PEN', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`(?:us\\$|usd|\\$)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`(?:€|(?<![a-z0-9])eur)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'EUR', amountGroup: 1, milGroup: 2 },
  // Pounds are pounds: "budget £1500 each" was read as USD 1,500 (the £ was dropped and the bare rule took it).
  { pattern: new RegExp(`(?:£|(?<![a-z0-9])gbp)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'GBP', amountGroup: 1, milGroup: 2 },
  // The currency word ends there: "tres europeos", "dos solteros", "dos pensionistas" are people (accents are stripped already).
  { pattern: new RegExp(`\\b${AMOUNT}${MIL}\\s*(?:de\\s+)?((?:dolares|dolar|dollars|dollar|usd|bucks|soles|sol|pen|euros|euro|eur|pounds sterling|british pounds|libras esterlinas|gbp)(?![a-z])|€|£|\\$)`, 'g'), currency: 'from-word', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`\\b${AMOUNT}\\s*(k)\\b`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`\\b(?:presupuesto|budget|tope|maximo|max)\\s*(?:de|of|is|es|:|around|aprox|aproximado|approx)?\\s*(?:de\\s+)?${ROUGHLY}${AMOUNT}${MIL}(?!\\s*(?:de\\s+|of\\s+)?${NOT_MONEY})`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2, bare: true },
];
const CEILING = /\b(?:maximo|max|maximum|tope|hasta)\s*(?:de|of)?\s*$/;
const PAID = /\b(pague|pagamos|pagado|pagaron|paid|pay|deposito|deposite|depositamos|deposit|deposited|abone|abono|cobraron|cobro|charged|charge|charges|refund|reembolso|devuelven|devolucion|adelanto|transferi|transfer|transferencia|multa|penalty|fee|fine|cuesta|costo|vale|costs)\b/;

/**
 * Said right next to the amount, before or after it: "S/ 3000 por persona", "800 dolares x cabeza", "$500 each",
 * "presupuesto por persona de…", "2.500 en total". Further away the words belong to something else: in "tenemos 3000
 * dolares, somos 4 en total" the total is the head count's. "each day", "each night" are a rate, no person.
 */
const PER_PERSON = '(?:(?:por|x|per|a)\\s+(?:persona|person|pax|cabeza|head|adulto|adult|viajero|traveller|traveler|pasajero|passenger)|cada\\s+(?:uno|una|persona|adulto|viajero)|each(?!\\s+(?:day|night|week|month|hour|time|way)(?![a-z]))|pp|per capita)(?![a-z])|c/u|p/p';
/** "2000 dolares por pareja": a couple is two, so it is read as half that per person (the basis the chat compares). */
const PER_COUPLE = '(?:(?:por|x|per|a)\\s+(?:pareja|couple)|cada\\s+pareja|each\\s+couple)(?![a-z])';
const WHOLE_PARTY = '(?:en total|total|para todos|para el grupo|entre todos|in total|for all of us|for everyone|for the group|all in)(?![a-z])';
const BASIS_AFTER = (words: string) => new RegExp(`^[,;:]?\\s*(?:${words})`);
/** Before the amount, only what joins a basis to it: "presupuesto por persona de", "budget per person is about". */
const BASIS_BEFORE = (words: string) => new RegExp(`(?:^|[^a-z])(?:${words})(?:\\s*(?:de|of|is|es|:|seria|would be|unos|unas|como|about|around|aprox))*\\s*$`);
const BASES: Array<{ per: 'person' | 'party'; divide: number; after: RegExp; before: RegExp }> = [
  { per: 'person', divide: 1, after: BASIS_AFTER(PER_PERSON), before: BASIS_BEFORE(PER_PERSON) },
  { per: 'person', divide: 2, after: BASIS_AFTER(PER_COUPLE), before: BASIS_BEFORE(PER_COUPLE) },
  { per: 'party', divide: 1, after: BASIS_AFTER(WHOLE_PARTY), before: BASIS_BEFORE(WHOLE_PARTY) },
];
/**
 * The low end of a range ("between $1000 and $1500 per person", "de 800 a 1.200 soles"): the budget is its high end,
 * whose basis ("per person") follows it. The low end was taken as the budget, and without its basis.
 */
const RANGE_START = /(?:^|[^a-z])(?:between|entre|from|de|desde)\s*$/;
/** What joins the two ends; the high end must be read as an amount itself, right after it. */
const RANGE_JOIN = /^\s*(?:and|y|to|a|hasta|-|–)\s*$/;

/** One word alone is no budget when it is also an article: "un sol", "one dollar more", "presupuesto una semana". */
const ARTICLE_ONLY = /^(?:un|una|uno|one)$/;

function currencyOfWord(word: string): Budget['currency'] {
  if (/^(soles|sol|pen)$/.test(word)) return 'PEN';
  if (/^(euros|euro|eur|€)$/.test(word)) return 'EUR';
  // "50 libras", "50 pounds of luggage" are weights: only sterling said as such, or £, is money.
  if (/^(pounds sterling|british pounds|libras esterlinas|gbp|£)$/.test(word)) return 'GBP';
  return 'USD';
}

export function parseAmount(text: string): number {
  if (/^\d{1,3}(?: \d{3})+$/.test(text)) return Number(text.replace(/ /g, ''));
  if (/^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$/.test(text)) return Number(text.replace(/\./g, '').replace(',', '.'));
  if (/^\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?$/.test(text)) return Number(text.replace(/,/g, ''));
  return Number(text.replace(',', '.'));
}

export function extractBudget(text: string): Budget | null {
  const t = normaliseText(text);
  const found: Array<{ at: number; end: number; budget: Budget; stated: boolean; rangeStart: boolean }> = [];
  for (const p of PATTERNS) {
    p.pattern.lastIndex = 0;
    for (let m = p.pattern.exec(t); m; m = p.pattern.exec(t)) {
      const before = t.slice(Math.max(0, m.index - 40), m.index).split(/\s+/).slice(-4).join(' ');
      // "costo máximo 1500": a ceiling the customer sets is a budget, whatever word it comes after.
      if (PAID.test(before) && !CEILING.test(before)) continue;
      const said = m[p.amountGroup];
      if (ARTICLE_ONLY.test(said)) continue;
      let amount = /\d/.test(said) ? parseAmount(said) : (numberValue(said) ?? Number.NaN);
      if (m[p.milGroup]) amount *= 1000;
      // Beyond ten million is no trip's budget (a run of digits, a phone number).
      if (!Number.isFinite(amount) || amount <= 0 || amount > 1e7) continue;
      if (p.bare && !m[p.milGroup] && amount < BARE_MINIMUM) continue;
      const currency = p.currency === 'from-word' ? currencyOfWord(m[3]) : p.currency;
      const after = t.slice(m.index + m[0].length).trimStart();
      const basis = BASES.find((b) => b.after.test(after)) ?? BASES.find((b) => b.before.test(t.slice(0, m.index)));
      const budget: Budget = basis ? { amount: amount / basis.divide, currency, per: basis.per } : { amount, currency };
      found.push({ at: m.index, end: m.index + m[0].length, budget, stated: !p.bare, rangeStart: RANGE_START.test(t.slice(0, m.index)) });
    }
  }
  // The low end of a range whose high end was read too gives way to it ("between $1000 and $1500 per person").
  const lowEnds = found.filter((low) => low.rangeStart && found.some((high) => high.at >= low.end && RANGE_JOIN.test(t.slice(low.end, high.at))));
  for (const low of lowEnds) found.splice(found.indexOf(low), 1);
  if (found.length === 0) return null;
  // An amount with its currency beats a bare one after "presupuesto" ("presupuesto 1.500 euros" is in euros).
  found.sort((a, b) => Number(b.stated) - Number(a.stated) || a.at - b.at);
  return found[0].budget;
}
