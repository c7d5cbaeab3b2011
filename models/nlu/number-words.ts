/** Small numbers written as words, Spanish and English (accents already stripped), for party sizes and durations. */
const WORDS: Record<string, number> = {
  un: 1, uno: 1, una: 1, one: 1, a: 1, an: 1,
  dos: 2, two: 2, tres: 3, three: 3, cuatro: 4, four: 4, cinco: 5, five: 5, seis: 6, six: 6, siete: 7, seven: 7,
  ocho: 8, eight: 8, nueve: 9, nine: 9, diez: 10, ten: 10, once: 11, eleven: 11, doce: 12, twelve: 12,
  trece: 13, thirteen: 13, catorce: 14, fourteen: 14, quince: 15, fifteen: 15, dieciseis: 16, sixteen: 16,
  diecisiete: 17, seventeen: 17, dieciocho: 18, eighteen: 18, diecinueve: 19, nineteen: 19, veinte: 20, twenty: 20,
  treinta: 30, thirty: 30,
};

/** A regex alternative matching a digit group or a number word (longest words first). */
export const NUMBER_PATTERN = `(?:\\d{1,3}|${Object.keys(WORDS).sort((a, b) => b.length - a.length).join('|')})`;

/** The value of a digit group or number word; undefined for anything else. */
export function numberValue(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return WORDS[token];
}
