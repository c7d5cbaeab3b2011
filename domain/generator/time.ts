/**
 * Time as plain numbers, because the generator handles tens of millions of timestamps: a date is a day number
 * (days since 1970-01-01, UTC) and an instant is milliseconds since the epoch. Formatting for COPY text is cached
 * per day, which is most of the cost of `Date.prototype.toISOString`.
 */
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
/** Lima is UTC−5 all year (no daylight saving): office hours are placed in Lima time. */
export const LIMA_OFFSET_MS = -5 * HOUR_MS;

export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/** Day number of a calendar date; month is 1–12. */
export function dayNumber(year: number, month: number, day: number): number {
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

/** Parses YYYY-MM-DD strictly (a real calendar date), or returns undefined. */
export function parseDay(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = dayNumber(y, mo, d);
  const back = new Date(day * DAY_MS);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() + 1 !== mo || back.getUTCDate() !== d) return undefined;
  return day;
}

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}

/** 1–12. */
export function monthOf(day: number): number {
  return new Date(day * DAY_MS).getUTCMonth() + 1;
}

/** Days from 1 January of its year, 0-based. */
export function dayOfYear(day: number): number {
  return day - dayNumber(yearOf(day), 1, 1);
}

const dateCache = new Map<number, string>();

export function dateText(day: number): string {
  let text = dateCache.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dateCache.set(day, text);
  }
  return text;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => (i < 10 ? '0' : '') + i);

/** A timestamptz in COPY text form, to the second, in UTC: `2024-06-24 13:05:09+00`. */
export function timestampText(ms: number): string {
  const day = Math.floor(ms / DAY_MS);
  let s = Math.floor((ms - day * DAY_MS) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${dateText(day)} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}+00`;
}

/** Whole seconds, so that every stored timestamp equals the one we reason about. */
export function toSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
