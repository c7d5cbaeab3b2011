import { dayOf, daysInMonth, HOLIDAYS, isoDay, parts, type Day } from './calendar-holidays.ts';
import { NUMBER_PATTERN, numberValue } from './number-words.ts';
import { normaliseText } from './text-normalisation.ts';

/**
 * Travel dates of a message, resolved against "today" (issue 27's conventions):
 * - explicit dates and ranges, in Spanish and English word orders and dd/mm, a year inferred as the next
 *   occurrence (a range that ends before it starts crosses the year end);
 * - weekdays (next occurrence after today), tomorrow, this/next weekend (the coming Saturday–Sunday), next week
 *   (Monday–Sunday), next month (all of it);
 * - a day number alone ("el 20", "the 25th"): its next occurrence; a month alone: the whole month, next occurrence;
 * - holidays (Semana Santa = Palm Sunday to Easter Sunday, Fiestas Patrias, Inti Raymi, Christmas…);
 * - "N nights from D" ends at D+N, "N days from D" at D+N−1; a single date leaves `to` null;
 * - vague seasons stay empty, and a date right after a word of paying or cancelling (past tense) is not a
 *   travel date.
 */
export interface TravelDates {
  date_from: string | null;
  date_to: string | null;
}

const MONTHS: Record<string, number> = {
  enero: 1, ene: 1, january: 1, jan: 1,
  febrero: 2, feb: 2, february: 2,
  marzo: 3, mar: 3, march: 3,
  abril: 4, abr: 4, april: 4, apr: 4,
  mayo: 5, may: 5,
  junio: 6, jun: 6, june: 6,
  julio: 7, jul: 7, july: 7,
  agosto: 8, ago: 8, august: 8, aug: 8,
  septiembre: 9, setiembre: 9, sep: 9, sept: 9, set: 9, september: 9,
  octubre: 10, oct: 10, october: 10,
  noviembre: 11, nov: 11, november: 11,
  diciembre: 12, dic: 12, december: 12, dec: 12,
};
/** Month names that are never ordinary words, so they can stand alone ("en julio", "august"). */
const FULL_MONTHS = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'setiembre', 'octubre', 'noviembre', 'diciembre', 'january', 'february', 'march', 'april', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS: Record<string, number> = {
  domingo: 0, sunday: 0, lunes: 1, monday: 1, martes: 2, tuesday: 2, miercoles: 3, wednesday: 3,
  jueves: 4, thursday: 4, viernes: 5, friday: 5, sabado: 6, saturday: 6,
};

const M = `(${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|')})`;
/**
 * Months that may come first ("May 10", "Dec 28"): not the abbreviations that are everyday words before a number
 * ("vista al mar 2 noches", "set 3", "2 days ago 5"), which only count after their day ("2 de mar").
 */
const M_FIRST = `(${Object.keys(MONTHS).filter((name) => !['mar', 'set', 'ago'].includes(name)).sort((a, b) => b.length - a.length).join('|')})`;
/** After a number: what makes it a count of something, not a day of the month. */
const NOT_A_DAY = `(?!\\s*(?:noches?|nights?|estrellas|stars|personas|people|pax|adult|nin|kid|dias|days|horas|hours|%))`;
const FULL_M = `(${FULL_MONTHS.join('|')})`;
const D = `(\\d{1,2}|primero)(?:st|nd|rd|th|ro)?`;
/** A day number as written: digits, or "primero" ("el primero de mayo"). */
const day = (text: string) => (text === 'primero' ? 1 : Number(text));
/** Between a day and its month: "15 de mayo", "3rd of June", "15 May". */
const OF = `(?:de\\s+|of\\s+)?`;
const YEAR = `(?:,?\\s*(?:de(?:l)?\\s+)?(20\\d\\d))?`;
const N = `(${NUMBER_PATTERN})`;

/** Past-tense paying or cancelling: a date just after one of these is when it happened, not when they travel. */
const NOT_TRAVEL = /\b(pague|pagamos|pagado|paid|cancele|cancelamos|cancelado|cancelled|canceled|cobraron|charged|deposite|depositamos|deposited|transferi|transferimos|transferred|abone)\b/;

interface Mention {
  at: number;
  end: number;
  from: Day;
  to: Day | null;
}

type Rule = { pattern: RegExp; resolve(m: RegExpExecArray, today: Day): { from: Day; to: Day | null } | null };

function validDate(year: number, month: number, date: number): boolean {
  return month >= 1 && month <= 12 && date >= 1 && date <= daysInMonth(year, month);
}

/** The next occurrence (today included) of a month/day without a year; an explicit year is kept as given. */
function nextDate(today: Day, month: number, date: number, year?: number): Day | null {
  const t = parts(today);
  if (year !== undefined) return validDate(year, month, date) ? dayOf(year, month, date) : null;
  for (let y = t.year; y <= t.year + 4; y++) {
    if (!validDate(y, month, date)) continue;
    const day = dayOf(y, month, date);
    if (day >= today) return day;
  }
  return null;
}

/**
 * A range written with one year, after its end ("del 28 de diciembre al 3 de enero de 2028"): the year is the end's,
 * and the start is in the year before when it falls after the end. Within one month the start must come first.
 */
function range(today: Day, m1: number, d1: number, m2: number, d2: number, year?: number): { from: Day; to: Day | null } | null {
  if (m1 === m2 && d2 < d1) return null;
  if (year !== undefined) {
    if (!validDate(year, m2, d2)) return null;
    const to = dayOf(year, m2, d2);
    const startYear = m1 > m2 || (m1 === m2 && d1 > d2) ? year - 1 : year;
    return validDate(startYear, m1, d1) ? { from: dayOf(startYear, m1, d1), to } : null;
  }
  const from = nextDate(today, m1, d1);
  return from === null ? null : endingAfter(from, m2, d2);
}

/** A range from a known start to the first month/day on or after it. */
function endingAfter(from: Day, m2: number, d2: number): { from: Day; to: Day | null } | null {
  const y = parts(from).year;
  if (!validDate(y, m2, d2) && !validDate(y + 1, m2, d2)) return null;
  let to = validDate(y, m2, d2) ? dayOf(y, m2, d2) : dayOf(y + 1, m2, d2);
  if (to < from) to = dayOf(y + 1, m2, d2);
  return { from, to };
}

/** A month's days from today on: the current month starts today, not on its first day, which has passed. */
function wholeMonth(today: Day, month: number, year?: number): { from: Day; to: Day } {
  const t = parts(today);
  const y = year ?? (month >= t.month ? t.year : t.year + 1);
  const to = dayOf(y, month, daysInMonth(y, month));
  return { from: Math.min(Math.max(dayOf(y, month, 1), today), to), to };
}

/** Early, mid and late in a month, as people say it: its first, second and last third. */
const PART_OF_MONTH: Record<string, 0 | 1 | 2> = {
  'a inicios de': 0, 'a principios de': 0, 'inicios de': 0, 'principios de': 0, early: 0, 'beginning of': 0, 'the beginning of': 0, 'start of': 0, 'the start of': 0,
  'a mediados de': 1, 'mediados de': 1, mid: 1, 'the middle of': 1, 'middle of': 1,
  'a fines de': 2, 'a finales de': 2, 'fines de': 2, 'finales de': 2, late: 2, 'end of': 2, 'the end of': 2,
};
const PART_WORDS = `(${Object.keys(PART_OF_MONTH).sort((a, b) => b.length - a.length).join('|')})`;

/** That third of the month, in its next occurrence that is not over: "a fines de marzo" is 21–31 March. */
function partOfMonth(today: Day, part: 0 | 1 | 2, month: number, year?: number): { from: Day; to: Day } {
  const third = (y: number) => ({ from: dayOf(y, month, [1, 11, 21][part]), to: part === 2 ? dayOf(y, month, daysInMonth(y, month)) : dayOf(y, month, [10, 20][part]) });
  const t = parts(today);
  let span = third(year ?? (month >= t.month ? t.year : t.year + 1));
  if (year === undefined && span.to < today) span = third(t.year + 1);
  return { from: Math.min(Math.max(span.from, today), span.to), to: span.to };
}

function nextWeekday(today: Day, weekday: number): Day {
  const delta = (weekday - parts(today).weekday + 7) % 7;
  return today + (delta === 0 ? 7 : delta);
}

function comingWeekend(today: Day): { from: Day; to: Day } {
  const t = parts(today).weekday;
  const saturday = t === 6 ? today + 7 : t === 0 ? today + 6 : nextWeekday(today, 6);
  return { from: saturday, to: saturday + 1 };
}

function dayAlone(today: Day, date: number): Day | null {
  const t = parts(today);
  for (let k = 0; k < 13; k++) {
    const year = t.year + Math.floor((t.month - 1 + k) / 12);
    const month = ((t.month - 1 + k) % 12) + 1;
    if (validDate(year, month, date) && dayOf(year, month, date) > today) return dayOf(year, month, date);
  }
  return null;
}

const yearOf = (text: string | undefined) => (text ? Number(text) : undefined);

/** A day-first numeric date, "15/05" or "15/05/2026" or "15/05/26": day, month, year. */
const SLASHED = `(\\d{1,2})\\/(\\d{1,2})(?:\\/(20\\d\\d|\\d\\d))?\\b`;
const slashedYear = (text: string | undefined) => (text ? (text.length === 2 ? 2000 + Number(text) : Number(text)) : undefined);

function slashedDate(today: Day, date: string, month: string, year: string | undefined): Day | null {
  const y = slashedYear(year);
  return validDate(y ?? 2000, +month, +date) ? nextDate(today, +month, +date, y) : null;
}

/** Two day-first dates: the end's year, when not written, is the first one after the start. */
function slashedRange(today: Day, start: string[], end: string[]): { from: Day; to: Day | null } | null {
  const from = slashedDate(today, start[0], start[1], start[2]);
  if (from === null) return null;
  if (end[2] !== undefined) {
    // Only the end has a year ("del 28/12 al 03/01/2028"): it is the range's, as in range().
    if (start[2] === undefined) return range(today, +start[1], +start[0], +end[1], +end[0], slashedYear(end[2]));
    const to = slashedDate(today, end[0], end[1], end[2]);
    return to === null || to < from ? null : { from, to };
  }
  return endingAfter(from, +end[1], +end[0]);
}

/** "en 3 semanas" / "dentro de 10 días" / "in two weeks": the day that far from today. */
function daysAhead(today: Day, count: string, unit: string): { from: Day; to: null } | null {
  const n = numberValue(count);
  if (n === undefined || n < 1) return null;
  if (unit.startsWith('sem') || unit.startsWith('week')) return n > 104 ? null : { from: today + 7 * n, to: null };
  if (unit.startsWith('mes') || unit.startsWith('month')) {
    if (n > 24) return null;
    const t = parts(today);
    const month = t.month - 1 + n;
    const year = t.year + Math.floor(month / 12);
    return { from: dayOf(year, (month % 12) + 1, Math.min(t.date, daysInMonth(year, (month % 12) + 1))), to: null };
  }
  return n > 730 ? null : { from: today + n, to: null };
}

/** Explicit dates and ranges, most specific first; a span taken by one rule is not read again by a later one. */
const EXPLICIT_RULES: Rule[] = [
  // 2026-05-15
  { pattern: /\b(20\d\d)-(\d{2})-(\d{2})\b/g, resolve: (m, t) => (validDate(+m[1], +m[2], +m[3]) ? { from: nextDate(t, +m[2], +m[3], +m[1])!, to: null } : null) },
  // 15-07-2027 (day first, as in Peru, with dashes)
  { pattern: /\b(\d{1,2})-(\d{1,2})-(20\d\d)\b/g, resolve: (m, t) => { const from = slashedDate(t, m[1], m[2], m[3]); return from === null ? null : { from, to: null }; } },
  // del 28 de diciembre al 2 de enero / from 28 december to 3 january / from the 28th of December to the 3rd of January
  { pattern: new RegExp(`\\b(?:del|desde el|from|between)?\\s*(?:the\\s+)?${D}\\s+${OF}${M}\\s+(?:al|hasta el|to|until|till|-|and|y el|y)\\s+(?:the\\s+)?${D}\\s+${OF}${M}${YEAR}\\b`, 'g'), resolve: (m, t) => range(t, MONTHS[m[2]], day(m[1]), MONTHS[m[4]], day(m[3]), yearOf(m[5])) },
  // Dec 28 to Jan 3
  { pattern: new RegExp(`\\b${M_FIRST}\\.?\\s+${D}\\s*(?:to|until|till|-|al|hasta)\\s*${M_FIRST}\\.?\\s+${D}${YEAR}\\b`, 'g'), resolve: (m, t) => range(t, MONTHS[m[1]], day(m[2]), MONTHS[m[3]], day(m[4]), yearOf(m[5])) },
  // del 15 al 20 de abril / between 5 and 9 October / from 3 to 7 June / from the 3rd to the 7th of June / 15-20 abril
  { pattern: new RegExp(`\\b(?:del|desde el|entre el|from|between)?\\s*(?:the\\s+)?${D}\\s*(?:al|hasta el|y el|to|until|till|and|-)\\s*(?:the\\s+)?${D}\\s+${OF}${M}${YEAR}\\b`, 'g'), resolve: (m, t) => range(t, MONTHS[m[3]], day(m[1]), MONTHS[m[3]], day(m[2]), yearOf(m[4])) },
  // June 3 to 7 / June 3-7
  { pattern: new RegExp(`\\b${M_FIRST}\\.?\\s+${D}\\s*(?:to|until|till|-|al)\\s*${D}${YEAR}\\b${NOT_A_DAY}`, 'g'), resolve: (m, t) => range(t, MONTHS[m[1]], day(m[2]), MONTHS[m[1]], day(m[3]), yearOf(m[4])) },
  // 15 de mayo / 15 may 2027 / the 3rd of June / el primero de mayo
  { pattern: new RegExp(`\\b${D}\\s+${OF}${M}${YEAR}\\b`, 'g'), resolve: (m, t) => { const from = nextDate(t, MONTHS[m[2]], day(m[1]), yearOf(m[3])); return from === null ? null : { from, to: null }; } },
  // May 10 / May 10th, 2027
  { pattern: new RegExp(`\\b${M_FIRST}\\.?\\s+${D}${YEAR}\\b${NOT_A_DAY}`, 'g'), resolve: (m, t) => { const from = nextDate(t, MONTHS[m[1]], day(m[2]), yearOf(m[3])); return from === null ? null : { from, to: null }; } },
  // del 12/03 al 18/03 / from 12/03 to 18/03/2027 / 28/12 - 03/01 (day first)
  { pattern: new RegExp(`\\b(?:del|desde el|entre el|from|between)?\\s*${SLASHED}\\s*(?:al|hasta el|y el|to|until|till|and|-)\\s*${SLASHED}`, 'g'), resolve: (m, t) => slashedRange(t, m.slice(1, 4), m.slice(4, 7)) },
  // 15/05 or 15/05/2026 (day first, as in Peru)
  { pattern: new RegExp(`\\b${SLASHED}`, 'g'), resolve: (m, t) => { const from = slashedDate(t, m[1], m[2], m[3]); return from === null ? null : { from, to: null }; } },
];

/** Verbs of setting off, before "in 3 weeks" that then says when, not how long. */
const LEAVING = 'salir|salimos|salgo|viajar|viajamos|viajo|ir|vamos|voy|llegar|llegamos|llego|partir|partimos|leave|leaving|travel|travelling|traveling|go|going|arrive|arriving|depart|departing|fly|flying';
const UNIT = '(semanas?|weeks?|dias?|days?|mes|meses|months?)';

const RELATIVE_RULES: Rule[] = [
  { pattern: /\b(pasado manana|day after tomorrow)\b/g, resolve: (_m, t) => ({ from: t + 2, to: null }) },
  { pattern: /\b(?<!la |esta |por la |en la |de la )(manana|tomorrow|tmrw|tmr)\b/g, resolve: (_m, t) => ({ from: t + 1, to: null }) },
  { pattern: /\b(hoy|today|tonight|esta noche)\b/g, resolve: (_m, t) => ({ from: t, to: null }) },
  { pattern: /\b(?:(?:este|el|al|proximo|el proximo)\s+)?(?:fin de semana|finde|weekend)(?:\s+que viene)?\b/g, resolve: (_m, t) => comingWeekend(t) },
  { pattern: /\b(next week|la proxima semana|proxima semana|la semana que viene|semana que viene|la semana entrante|semana entrante)\b/g, resolve: (_m, t) => { const monday = nextWeekday(t, 1); return { from: monday, to: monday + 6 }; } },
  // "dentro de 3 semanas", "we leave in 2 weeks", "10 days from now". A bare "en 5 días" is not: "Cusco en 5 días"
  // is how long a tour lasts.
  { pattern: new RegExp(`\\b(?:dentro de|(?:${LEAVING})\\s+(?:en|in))\\s+${N}\\s+${UNIT}\\b`, 'g'), resolve: (m, t) => daysAhead(t, m[1], m[2]) },
  { pattern: new RegExp(`\\b${N}\\s+${UNIT}\\s+(?:from now|from today|a partir de hoy|desde hoy)\\b`, 'g'), resolve: (m, t) => daysAhead(t, m[1], m[2]) },
  { pattern: /\b(next month|el proximo mes|proximo mes|el mes que viene|el mes q viene|mes que viene|el mes entrante|mes entrante)\b/g, resolve: (_m, t) => { const p = parts(t); return wholeMonth(t, (p.month % 12) + 1, p.month === 12 ? p.year + 1 : p.year); } },
];

const LATE_RULES: Rule[] = [
  // a fines de marzo / mid-July / early August / late May: that third of the month ("may" is the month after these).
  { pattern: new RegExp(`\\b${PART_WORDS}[\\s-]+(${[...FULL_MONTHS, 'may'].join('|')})${YEAR}\\b`, 'g'), resolve: (m, t) => partOfMonth(t, PART_OF_MONTH[m[1]], MONTHS[m[2]], yearOf(m[3])) },
  // el viernes / this friday / on saturday (singular only: "los domingos" is a habit, not a date)
  { pattern: new RegExp(`\\b(?:el|este|esta|this|next|on|el proximo)?\\s*(${Object.keys(WEEKDAYS).join('|')})\\b(?!s)`, 'g'), resolve: (m, t) => ({ from: nextWeekday(t, WEEKDAYS[m[1]]), to: null }) },
  // el 20 / the 25th / el dia 20 / on the 3rd
  { pattern: /\b(?:el dia|el|the|on the|para el|day)\s+(\d{1,2})(st|nd|rd|th)?\b(?!\s*(?:%|of\b|personas|people|pax|de la|adult|nin|kid|noche|night|dia|day|hora|hour|am|pm|:|\.|,\d|[/$€]))/g, resolve: (m, t) => { const n = +m[1]; if (n < 1 || n > 31) return null; const from = dayAlone(t, n); return from === null ? null : { from, to: null }; } },
  // en julio / in august / july (a month alone: the whole month)
  { pattern: new RegExp(`\\b(?:(?:en|in|para|for|during|durante|a fines de|a inicios de|a mediados de|late|early|mid)\\s+)?${FULL_M}${YEAR}\\b`, 'g'), resolve: (m, t) => wholeMonth(t, MONTHS[m[1]], yearOf(m[2])) },
  // "may" alone is a verb: only with a word that makes it the month ("in May", "early May", "May 2027").
  { pattern: /\b(?:(?:in|during|for|early|late|mid)\s+may|may\s+(20\d\d))\b/g, resolve: (m, t) => wholeMonth(t, 5, yearOf(m[1])) },
];

/** "4 noches desde el 10 de mayo" / "5 days from June 3": a duration right before a start date. */
const DURATION = new RegExp(`\\b${N}\\s+(noches|nights|night|noche|dias|days|day|dia|semanas|semana|weeks|week)\\s+(?:desde|a partir del|a partir de|empezando|starting|from|beginning|desde el)\\s*(?:el|the|on)?\\s*$`);
/** "del 10 de mayo por 4 noches": a duration right after. */
const DURATION_AFTER = new RegExp(`^\\s*,?\\s*(?:por|for|x)\\s+${N}\\s+(noches|nights|night|noche|dias|days|day|dia|semanas|semana|weeks|week)\\b`);
/** Said right before a later date: the day they come back ("regreso el 10 de marzo", "returning on 17 March"). */
const RETURN = /(?:regreso|regresamos|regresando|retorno|retornamos|volvemos|volviendo|vuelta|return|returning|back on|coming back|fly back)\s*(?:el|the|on|on the|:)?\s*$/;
/** Right between two dates: the second ends the trip ("early April to late April", "de fines de mayo a mediados de junio"). */
const RANGE_JOIN = /^\s*(?:to|until|till|a|al|hasta|-|–)\s*(?:el|the)?\s*$/;
/** No trip in the chat's reach is longer: a later date past this is something else (a payment, an offer's end). */
const LONGEST_TRIP_DAYS = 90;

function applyDuration(text: string, mention: Mention): Mention {
  if (mention.to !== null) return mention;
  const before = DURATION.exec(text.slice(Math.max(0, mention.at - 60), mention.at));
  const after = DURATION_AFTER.exec(text.slice(mention.end, mention.end + 30));
  const found = before ?? after;
  if (!found) return mention;
  const n = numberValue(found[1]);
  if (n === undefined || n < 1 || n > 90) return mention;
  const nights = found[2].startsWith('noche') || found[2].startsWith('night');
  // A week is seven days, counted as days are: "15 de julio por una semana" ends on the 21st.
  const days = found[2].startsWith('semana') || found[2].startsWith('week') ? 7 * n : n;
  if (days > 90) return mention;
  return { ...mention, to: mention.from + (nights ? days : days - 1) };
}

function isTravelDate(text: string, at: number): boolean {
  const before = text.slice(Math.max(0, at - 40), at).split(/\s+/).slice(-5).join(' ');
  return !NOT_TRAVEL.test(before);
}

export function resolveTravelDates(text: string, today: Day): TravelDates {
  const normalised = normaliseText(text);
  const taken: Array<[number, number]> = [];
  const mentions: Mention[] = [];
  const free = (a: number, b: number) => taken.every(([s, e]) => b <= s || a >= e);
  // An explicit date that is no date ("el 30 de febrero") still takes its words: read again by a later rule, "el 30"
  // would become the next 30th of any month.
  const scan = (rules: Rule[], keepInvalid = false) => {
    for (const rule of rules) {
      rule.pattern.lastIndex = 0;
      for (let m = rule.pattern.exec(normalised); m; m = rule.pattern.exec(normalised)) {
        const start = m.index + (m[0].length - m[0].trimStart().length);
        const end = m.index + m[0].length;
        if (!free(start, end)) continue;
        const span = rule.resolve(m, today);
        if (!span) {
          if (keepInvalid) taken.push([start, end]);
          continue;
        }
        taken.push([start, end]);
        mentions.push({ at: start, end, ...span });
      }
    }
  };
  scan(EXPLICIT_RULES, true);
  for (const holiday of HOLIDAYS) {
    const m = holiday.pattern.exec(normalised);
    if (!m || !free(m.index, m.index + m[0].length)) continue;
    // "navidad del 2027": a year right after the holiday is the one meant.
    const written = /^\s*,?\s*(?:de(?:l)?\s+)?(20\d\d)\b/.exec(normalised.slice(m.index + m[0].length));
    const year = written ? Number(written[1]) : parts(today).year;
    let span = holiday.span(year);
    if (!written && (span.to ?? span.from) < today) span = holiday.span(year + 1);
    taken.push([m.index, m.index + m[0].length]);
    mentions.push({ at: m.index, end: m.index + m[0].length, ...span });
  }
  scan(RELATIVE_RULES);
  scan(LATE_RULES);
  const travel = mentions.filter((m) => isTravelDate(normalised, m.at)).sort((a, b) => a.at - b.at);
  if (travel.length === 0) return { date_from: null, date_to: null };
  const first = applyDuration(normalised, travel[0]);
  const within = (m: Mention) => m.from > first.from && m.from - first.from <= LONGEST_TRIP_DAYS;
  // A date joined to the first ends the trip ("early April to late April": the end of late April).
  const joined = travel[1] && within(travel[1]) && RANGE_JOIN.test(normalised.slice(first.end, travel[1].at)) ? travel[1] : undefined;
  // A return date said later ends the trip: "el 3 de marzo, regreso el 10 de marzo" was read as the 3rd alone.
  const back = first.to === null ? travel.slice(1).find((m) => within(m) && RETURN.test(normalised.slice(Math.max(0, m.at - 25), m.at))) : undefined;
  const to = joined ? (joined.to ?? joined.from) : back ? back.from : first.to;
  return { date_from: isoDay(first.from), date_to: to === null ? null : isoDay(to) };
}
