import type { Budget } from './intents.ts';
import { normaliseText } from './text-normalisation.ts';

/**
 * A budget as stated: amount and currency. `$`, "dólares", "usd" and a bare "10k" are USD; "S/", "soles" PEN;
 * "€", "euros" EUR. "2 mil" is 2,000, "1.500" (a thousands dot) and "4,000" are 1,500 and 4,000, "1.500,50" and
 * "1,500.50" both 1,500.50. Money already paid, deposited, charged or refunded is not a budget; a plain number
 * counts only right after "presupuesto" or "budget" (and is then taken as USD, the currency quotations are made in).
 */
// Thousands grouped with dots and cents after a comma ("1.500,50"), grouped with commas and cents after a dot
// ("1,500.50"), or plain with cents either way ("1500,50", "99.90").
// Thousands grouped with spaces count too ("1 500 dólares"), or the amount read is the last group alone; not after
// a party's "para 2" ("para 2 500 dólares c/u" is 500 each for two).
const AMOUNT = '(\\d{1,3}(?:\\.\\d{3})+(?:,\\d{1,2})?|\\d{1,3}(?:,\\d{3})+(?:\\.\\d{1,2})?|(?<!\\b(?:para|for|somos|we are|x)\\s)\\d{1,3}(?: \\d{3})+(?![\\d.,])|\\d+(?:[.,]\\d{1,2})?)';
const MIL = '(\\s*(?:mil|k)\\b)?';
const THOUSANDS = { un: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9, diez: 10, quince: 15, veinte: 20 } as Record<string, number>;
const THOUSANDS_WORDS = Object.keys(THOUSANDS).join('|');
const PATTERNS: Array<{ pattern: RegExp; currency: Budget['currency'] | 'from-word'; amountGroup: number; milGroup: number; bare?: true }> = [
  // Markers start a word: "adults/2" is not S/ 2, "open 24 hours" not PEN 24.
  { pattern: new RegExp(`(?<![a-z0-9])(?:s/\\.?|pen)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'PEN', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`(?:us\\$|usd|\\$)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`(?:€|(?<![a-z0-9])eur)\\s*${AMOUNT}${MIL}`, 'g'), currency: 'EUR', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`\\b${AMOUNT}${MIL}\\s*(?:de\\s+)?(dolares|dolar|dollars|dollar|usd|bucks|soles|sol|pen|euros|euro|eur|€|\\$)`, 'g'), currency: 'from-word', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`\\b${AMOUNT}\\s*(k)\\b`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2 },
  // "dos mil dólares", "tres mil soles": thousands in words.
  { pattern: new RegExp(`\\b(${THOUSANDS_WORDS})\\s+(mil)\\s*(?:de\\s+)?(dolares|dolar|dollars|usd|soles|sol|euros|euro)\\b`, 'g'), currency: 'from-word', amountGroup: 1, milGroup: 2 },
  { pattern: new RegExp(`\\b(?:presupuesto|budget|tope|maximo|max)\\s*(?:de|of|is|es|:|around|aprox|aproximado|approx)?\\s*(?:de\\s+)?${AMOUNT}${MIL}(?!\\s*(?:personas|people|pax|noches|nights|dias|days|adult|nin|kid|child|hijos|amigos|friends|alumnos|students|%))`, 'g'), currency: 'USD', amountGroup: 1, milGroup: 2, bare: true },
];
const PAID = /\b(pague|pagamos|pagado|pagaron|paid|pay|deposito|deposite|depositamos|deposit|deposited|abone|abono|cobraron|cobro|charged|charge|charges|refund|reembolso|devuelven|devolucion|adelanto|transferi|transfer|transferencia|multa|penalty|fee|fine|cuesta|costo|vale|costs)\b/;

function currencyOfWord(word: string): Budget['currency'] {
  if (/^(soles|sol|pen)$/.test(word)) return 'PEN';
  if (/^(euros|euro|eur|€)$/.test(word)) return 'EUR';
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
  const found: Array<{ at: number; budget: Budget; stated: boolean }> = [];
  for (const p of PATTERNS) {
    p.pattern.lastIndex = 0;
    for (let m = p.pattern.exec(t); m; m = p.pattern.exec(t)) {
      const before = t.slice(Math.max(0, m.index - 40), m.index).split(/\s+/).slice(-4).join(' ');
      if (PAID.test(before)) continue;
      let amount = m[p.amountGroup] in THOUSANDS ? THOUSANDS[m[p.amountGroup]] : parseAmount(m[p.amountGroup]);
      if (m[p.milGroup]) amount *= 1000;
      // Beyond ten million is no trip's budget (a run of digits, a phone number).
      if (!Number.isFinite(amount) || amount <= 0 || amount > 1e7) continue;
      const currency = p.currency === 'from-word' ? currencyOfWord(m[3]) : p.currency;
      found.push({ at: m.index, budget: { amount, currency }, stated: !p.bare });
    }
  }
  if (found.length === 0) return null;
  // An amount with its currency beats a bare one after "presupuesto" ("presupuesto 1.500 euros" is in euros).
  found.sort((a, b) => Number(b.stated) - Number(a.stated) || a.at - b.at);
  return found[0].budget;
}
