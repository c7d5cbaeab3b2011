import { pick, randInt, type Rng } from '../../../platform/random.ts';
import type { Budget, Language, ServiceLevel } from '../intents.ts';

/**
 * Phrases that fill the templates' slots, each with the value it means, so the generated corpus is labelled
 * by construction (dates excepted: their value depends on "today", and the date grammar is measured on the
 * hand-written test corpus instead).
 */
export interface Phrase<T> {
  text: string;
  value: T;
}

const NUMBER_WORDS: Record<Language, string[]> = {
  es: ['cero', 'una', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce'],
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'],
};

function count(n: number, lang: Language, rng: Rng): string {
  return n <= 12 && rng() < 0.35 ? NUMBER_WORDS[lang][n] : String(n);
}

export function partyPhrase(lang: Language, rng: Rng): Phrase<number> {
  const n = rng() < 0.5 ? randInt(rng, 2, 6) : randInt(rng, 1, 16);
  const adults = randInt(rng, 1, 4);
  const kids = randInt(rng, 1, 3);
  const couples = randInt(rng, 2, 4);
  const es: Array<() => Phrase<number>> = [
    () => ({ text: `para ${count(n, lang, rng)} personas`, value: n }),
    () => ({ text: `somos ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `${count(n, lang, rng)} pax`, value: n }),
    () => ({ text: `para ${n}`, value: n }),
    () => ({ text: `${count(adults, lang, rng)} adultos y ${count(kids, lang, rng)} niños`, value: adults + kids }),
    () => ({ text: `${count(couples, lang, rng)} parejas`, value: 2 * couples }),
    () => ({ text: pick(rng, ['mi esposa y yo', 'mi esposo y yo', 'mi novia y yo', 'con mi pareja', 'para mí y mi novio', 'una pareja']), value: 2 }),
    () => ({ text: pick(rng, ['mis papás y yo', 'con mis padres', 'mis suegros y yo']), value: 3 }),
    () => ({ text: `con mis ${count(kids, lang, rng)} hijos y mi esposa`, value: kids + 2 }),
    () => ({ text: `grupo de ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `familia de ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `${count(n, lang, rng)} amigos`, value: n }),
    () => ({ text: `${count(n, lang, rng)} amigos y yo`, value: n + 1 }),
    () => ({ text: pick(rng, ['solo yo', 'viajo sola', 'viajo solo']), value: 1 }),
    () => ({ text: `vamos los ${count(n, lang, rng)}`, value: n }),
  ];
  const en: Array<() => Phrase<number>> = [
    () => ({ text: `for ${count(n, lang, rng)} people`, value: n }),
    () => ({ text: `we are ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `${count(n, lang, rng)} travellers`, value: n }),
    () => ({ text: `for ${n}`, value: n }),
    () => ({ text: `${count(adults, lang, rng)} adults and ${count(kids, lang, rng)} kids`, value: adults + kids }),
    () => ({ text: `${count(couples, lang, rng)} couples`, value: 2 * couples }),
    () => ({ text: pick(rng, ['my wife and I', 'my husband and me', 'me and my girlfriend', 'a couple', 'my partner and I']), value: 2 }),
    () => ({ text: pick(rng, ['my parents and I', 'me and my parents']), value: 3 }),
    () => ({ text: `with my wife and our ${count(kids, lang, rng)} kids`, value: kids + 2 }),
    () => ({ text: `group of ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `family of ${count(n, lang, rng)}`, value: n }),
    () => ({ text: `${count(n, lang, rng)} friends`, value: n }),
    () => ({ text: pick(rng, ['just me', 'travelling solo', 'only me']), value: 1 }),
    () => ({ text: `the ${count(n, lang, rng)} of us`, value: n }),
    () => ({ text: `${n} pax`, value: n }),
  ];
  return pick(rng, lang === 'es' ? es : en)();
}

export function budgetPhrase(lang: Language, rng: Rng): Phrase<Budget> {
  const thousands = randInt(rng, 1, 15);
  const plain = thousands * 1000 + pick(rng, [0, 0, 500]);
  const withDot = plain.toLocaleString('de-DE');
  const withComma = plain.toLocaleString('en-US');
  const options: Array<() => Phrase<Budget>> = [
    () => ({ text: `${lang === 'es' ? 'presupuesto' : 'budget'} $${pick(rng, [String(plain), withComma])}`, value: { amount: plain, currency: 'USD' } }),
    () => ({ text: `${lang === 'es' ? 'tenemos' : 'we have'} ${pick(rng, [String(plain), withDot])} ${lang === 'es' ? 'dólares' : 'dollars'}`, value: { amount: plain, currency: 'USD' } }),
    () => ({ text: `${lang === 'es' ? 'presupuesto de' : 'budget of'} ${thousands}k`, value: { amount: thousands * 1000, currency: 'USD' } }),
    () => ({ text: `${lang === 'es' ? 'hasta' : 'up to'} S/ ${plain}`, value: { amount: plain, currency: 'PEN' } }),
    () => ({ text: `${plain} soles ${lang === 'es' ? 'por persona' : 'per person'}`, value: { amount: plain, currency: 'PEN' } }),
    () => ({ text: `${lang === 'es' ? 'unos' : 'around'} ${thousands} mil ${pick(rng, ['dólares', 'soles', 'euros'])}`, value: { amount: thousands * 1000, currency: 'USD' } }),
    () => ({ text: `€${withComma}`, value: { amount: plain, currency: 'EUR' } }),
    () => ({ text: `${withDot} euros`, value: { amount: plain, currency: 'EUR' } }),
    () => ({ text: `USD ${withComma}`, value: { amount: plain, currency: 'USD' } }),
  ];
  const phrase = pick(rng, options)();
  // "mil" with its currency word: the word decides the currency.
  if (/ mil (soles)/.test(phrase.text)) phrase.value = { amount: thousands * 1000, currency: 'PEN' };
  if (/ mil (euros)/.test(phrase.text)) phrase.value = { amount: thousands * 1000, currency: 'EUR' };
  return phrase;
}

/** Money already paid, charged or refunded: it appears in payment and cancellation messages, never a budget. */
export function moneyPhrase(rng: Rng): string {
  const amount = randInt(rng, 5, 300) * 10;
  return pick(rng, [`$${amount}`, `${amount} dólares`, `S/ ${amount}`, `${amount} soles`, `USD ${amount}`, `€${amount}`]);
}

export function levelPhrase(lang: Language, rng: Rng): Phrase<ServiceLevel> {
  const es: Array<Phrase<ServiceLevel>> = [
    { text: 'de lujo', value: 'luxury' }, { text: '5 estrellas', value: 'luxury' }, { text: 'cinco estrellas', value: 'luxury' }, { text: 'premium', value: 'luxury' },
    { text: 'superior', value: 'superior' }, { text: '4 estrellas', value: 'superior' }, { text: 'intermedio', value: 'superior' }, { text: 'boutique', value: 'superior' },
    { text: 'económico', value: 'standard' }, { text: 'lo más barato', value: 'standard' }, { text: '3 estrellas', value: 'standard' }, { text: 'estándar', value: 'standard' }, { text: 'básico', value: 'standard' },
  ];
  const en: Array<Phrase<ServiceLevel>> = [
    { text: 'luxury', value: 'luxury' }, { text: '5-star', value: 'luxury' }, { text: 'five star', value: 'luxury' }, { text: 'high-end', value: 'luxury' },
    { text: 'superior', value: 'superior' }, { text: '4-star', value: 'superior' }, { text: 'mid-range', value: 'superior' }, { text: 'boutique', value: 'superior' },
    { text: 'budget-friendly', value: 'standard' }, { text: 'cheapest', value: 'standard' }, { text: '3-star', value: 'standard' }, { text: 'standard', value: 'standard' }, { text: 'affordable', value: 'standard' },
  ];
  return pick(rng, lang === 'es' ? es : en);
}

const MONTHS: Record<Language, string[]> = {
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
};

/** Date phrases in the shapes the grammar reads; unlabelled (see above). */
export function datePhrase(lang: Language, rng: Rng): string {
  const month = MONTHS[lang][randInt(rng, 0, 11)];
  const d1 = randInt(rng, 1, 20);
  const d2 = d1 + randInt(rng, 2, 8);
  const n = randInt(rng, 2, 9);
  const es = [
    `del ${d1} al ${d2} de ${month}`, `en ${month}`, `para ${month}`, `el ${d1} de ${month}`, `la próxima semana`, `el próximo mes`,
    `en semana santa`, `para fiestas patrias`, `para el inti raymi`, `en navidad`, `${n} noches desde el ${d1} de ${month}`,
    `${n} días desde el ${d1} de ${month}`, `este fin de semana`, `el ${pick(rng, ['lunes', 'viernes', 'sábado'])}`, `mañana`, `el ${d1}`, `${d1}/${randInt(rng, 1, 12)}`,
  ];
  const en = [
    `from ${d1} to ${d2} ${month}`, `in ${month}`, `${month} ${d1}`, `${month} ${d1} to ${d2}`, `next week`, `next month`, `over Easter`,
    `for Christmas`, `${n} nights from ${month} ${d1}`, `${n} days from ${month} ${d1}`, `this weekend`, `on ${pick(rng, ['Monday', 'Friday', 'Saturday'])}`,
    `tomorrow`, `on the ${d1}th`, `between ${d1} and ${d2} ${month}`,
  ];
  return pick(rng, lang === 'es' ? es : en);
}
