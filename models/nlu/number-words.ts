/**
 * Numbers written in words, Spanish and English (accents already stripped), for party sizes ("somos veinticinco",
 * "a party of five"), durations ("cuatro noches") and budgets ("mil quinientos dólares", "fifteen hundred dollars").
 *
 * The pattern follows each language's grammar of numbers, so one match is one number, never two side by side:
 * "treinta y dos" is 32 and "twenty-five" 25, but "dos y tres" is 2 then 3, "two and three" likewise (only tens take
 * "y" in Spanish, only hundreds and thousands "and" in English). Before this, "para treinta y dos personas" read as 2
 * and "twenty-five people" as 5.
 *
 * "a", "an", "un", "una" are read as 1 here; whether an article is a count is for the caller to judge ("una persona
 * más", "un tour" are no party of one).
 */
const UNITS: Record<string, number> = {
  un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
};
const TEENS: Record<string, number> = {
  diez: 10, once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
/** Spanish writes 21–29 as one word; "veintiún" before a noun, "veintiuna" before a feminine one. */
const TWENTIES: Record<string, number> = {
  veinte: 20, veintiun: 21, veintiuno: 21, veintiuna: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25,
  veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29,
};
const TENS: Record<string, number> = {
  treinta: 30, cuarenta: 40, cincuenta: 50, sesenta: 60, setenta: 70, ochenta: 80, noventa: 90,
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
/** Spanish hundreds are words of their own, and agree with a feminine noun ("doscientas personas"). */
const HUNDREDS: Record<string, number> = {
  cien: 100, ciento: 100, doscientos: 200, doscientas: 200, trescientos: 300, trescientas: 300, cuatrocientos: 400, cuatrocientas: 400,
  quinientos: 500, quinientas: 500, seiscientos: 600, seiscientas: 600, setecientos: 700, setecientas: 700, ochocientos: 800,
  ochocientas: 800, novecientos: 900, novecientas: 900,
};
const ARTICLES: Record<string, number> = { a: 1, an: 1 };
const SMALL: Record<string, number> = { ...UNITS, ...TEENS, ...TWENTIES, ...TENS, ...HUNDREDS, ...ARTICLES };

/** One of the words, whole: longest first, and not the start of a longer word ("un" is not "una", "diez" not "diezmo"). */
const oneOf = (words: Record<string, number>, only?: (word: string) => boolean) =>
  `(?:${Object.keys(words).filter((w) => !only || only(w)).sort((a, b) => b.length - a.length).join('|')})(?![a-z])`;
const spanish = (w: string) => !/^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)$/.test(w);
const english = (w: string) => !spanish(w);

const ES_UNIT = oneOf(UNITS, spanish);
const ES_BELOW_100 = `(?:${oneOf(TENS, spanish)}(?:\\s+y\\s+${ES_UNIT})?|${oneOf(TWENTIES)}|${oneOf(TEENS, spanish)}|${ES_UNIT})`;
const ES_BELOW_1000 = `(?:${oneOf(HUNDREDS)}(?:\\s+${ES_BELOW_100})?|${ES_BELOW_100})`;
const ES_BELOW_MILLION = `(?:(?:${ES_BELOW_1000}\\s+)?mil(?![a-z])(?:\\s+${ES_BELOW_1000})?|${ES_BELOW_1000})`;
const ES_NUMBER = `(?:${ES_BELOW_1000}\\s+millon(?:es)?(?![a-z])(?:\\s+${ES_BELOW_MILLION})?|${ES_BELOW_MILLION})`;

const EN_UNIT = oneOf(UNITS, english);
const EN_BELOW_100 = `(?:${oneOf(TENS, english)}(?:[\\s-]+${EN_UNIT})?|${oneOf(TEENS, english)}|${EN_UNIT})`;
// "fifteen hundred" is 1,500: any number below a hundred may count hundreds.
const EN_BELOW_1000 = `(?:(?:an?|${EN_BELOW_100})\\s+hundred(?![a-z])(?:\\s+(?:and\\s+)?${EN_BELOW_100})?|${EN_BELOW_100})`;
const EN_BELOW_MILLION = `(?:(?:an?|${EN_BELOW_1000})\\s+thousand(?![a-z])(?:\\s+(?:and\\s+)?${EN_BELOW_1000})?|${EN_BELOW_1000})`;
const EN_NUMBER = `(?:(?:an?|${EN_BELOW_1000})\\s+million(?![a-z])(?:\\s+(?:and\\s+)?${EN_BELOW_MILLION})?|${EN_BELOW_MILLION})`;

/** A number in words, either language, without a bare article ("a", "an" alone). */
export const NUMBER_WORDS_PATTERN = `(?:${ES_NUMBER}|${EN_NUMBER})`;

/** A regex alternative matching a digit group, a number in words, or an article counted as one. */
export const NUMBER_PATTERN = `(?:\\d{1,3}|${NUMBER_WORDS_PATTERN}|${oneOf(ARTICLES)})`;

/**
 * `pattern` captured whole in a group named `name` (numbered as any group in its place): a lookahead is never
 * backtracked into, so when what follows the number refuses it ("treinta y dos alumnos" where a total must not be
 * followed by a group word), the regex fails there instead of retrying with a shorter number ("treinta" before
 * " y dos"). Each regex may use one name once.
 */
export function wholeNumber(name: string, pattern: string = NUMBER_PATTERN): string {
  return `(?=(?<${name}>${pattern}))\\k<${name}>`;
}

/**
 * The value of a digit group or of a number in words as NUMBER_PATTERN matches it; undefined for anything else.
 * Words add up until a multiplier: "dos mil quinientos" is 2 × 1000 + 500, "fifteen hundred" 15 × 100.
 */
export function numberValue(phrase: string): number | undefined {
  if (/^\d+$/.test(phrase)) return Number(phrase);
  const words = phrase.split(/[\s-]+/).filter((w) => w !== 'y' && w !== 'and');
  if (words.length === 0) return undefined;
  let total = 0;
  let current = 0;
  for (const word of words) {
    if (word in SMALL) current += SMALL[word];
    else if (word === 'hundred') current = (current || 1) * 100;
    else if (word === 'mil' || word === 'thousand') {
      total += (current || 1) * 1000;
      current = 0;
    } else if (word === 'millon' || word === 'millones' || word === 'million') {
      total = (total + (current || 1)) * 1_000_000;
      current = 0;
    } else return undefined;
  }
  return total + current;
}
