/**
 * Dates as outside systems write them. A format is a pattern of tokens — YYYY, YY, MM, M, DD, D, HH, H, mm, ss —
 * between literal characters (`DD/MM/YYYY`, `YYYY-MM-DD HH:mm`), or `ISO` for ISO 8601 dates and date-times
 * (with or without an offset). Parsing checks the calendar: 31/02/2024 is not a date.
 */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC when the text carried an offset (ISO only); undefined means local to the file. */
  offsetMinutes?: number;
}

export type DateParser = (text: string) => LocalDateTime | undefined;

const TOKENS: Array<[string, string, keyof LocalDateTime | 'year2']> = [
  ['YYYY', '(\\d{4})', 'year'],
  ['YY', '(\\d{2})', 'year2'],
  ['MM', '(\\d{2})', 'month'],
  ['M', '(\\d{1,2})', 'month'],
  ['DD', '(\\d{2})', 'day'],
  ['D', '(\\d{1,2})', 'day'],
  ['HH', '(\\d{2})', 'hour'],
  ['H', '(\\d{1,2})', 'hour'],
  ['mm', '(\\d{2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
];

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

/** Compiles a format once; throws with the reason when the format itself is unusable. */
export function compileDateFormat(format: string): DateParser {
  if (format.toUpperCase() === 'ISO') return parseIso;
  const parts: Array<keyof LocalDateTime | 'year2'> = [];
  let pattern = '';
  let i = 0;
  while (i < format.length) {
    const token = TOKENS.find(([t]) => format.startsWith(t, i));
    if (token) {
      if (parts.includes(token[2]) || (token[2] === 'year2' && parts.includes('year')) || (token[2] === 'year' && parts.includes('year2'))) {
        throw new Error(`"${format}" names the ${token[2] === 'year2' ? 'year' : token[2]} twice`);
      }
      parts.push(token[2]);
      pattern += token[1];
      i += token[0].length;
    } else {
      pattern += format[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  for (const needed of ['month', 'day'] as const) {
    if (!parts.includes(needed)) throw new Error(`"${format}" has no ${needed} (use ${needed === 'month' ? 'MM or M' : 'DD or D'})`);
  }
  if (!parts.includes('year') && !parts.includes('year2')) throw new Error(`"${format}" has no year (use YYYY or YY)`);
  const regex = new RegExp(`^${pattern}$`);
  return (text) => {
    const m = regex.exec(text.trim());
    if (!m) return undefined;
    const value: LocalDateTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k];
      const n = Number(m[k + 1]);
      if (part === 'year2') value.year = 2000 + n;
      else if (part !== 'offsetMinutes') value[part] = n;
    }
    return valid(value) ? value : undefined;
  };
}

function parseIso(text: string): LocalDateTime | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const value: LocalDateTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
  };
  if (m[7]) {
    if (m[7] === 'Z') value.offsetMinutes = 0;
    else {
      const sign = m[7][0] === '-' ? -1 : 1;
      const digits = m[7].slice(1).replace(':', '');
      value.offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
    }
  }
  return valid(value) ? value : undefined;
}

function valid(v: LocalDateTime): boolean {
  // Outside these years a date in a booking file is a typo (and Date.UTC reads years below 100 as 19xx).
  if (v.year < 1900 || v.year > 2199) return false;
  if (v.month < 1 || v.month > 12 || v.day < 1) return false;
  if (v.day > daysInMonth(v.year, v.month)) return false;
  return v.hour < 24 && v.minute < 60 && v.second < 60;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses an offset such as "-05:00" or "+0530" into minutes east of UTC. */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!m || Number(m[2]) > 14 || Number(m[3]) > 59) return undefined;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Days since 1970-01-01 of the calendar date (time of day ignored). */
export function dayNumber(v: Pick<LocalDateTime, 'year' | 'month' | 'day'>): number {
  return Math.floor(Date.UTC(v.year, v.month - 1, v.day) / 86_400_000);
}

export function dateFromDayNumber(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function isoDate(v: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${pad(v.year, 4)}-${pad(v.month)}-${pad(v.day)}`;
}

/** An ISO timestamp PostgreSQL reads as timestamptz: the text's own offset, or the file's. */
export function isoTimestamp(v: LocalDateTime, fileOffsetMinutes: number): string {
  const offset = v.offsetMinutes ?? fileOffsetMinutes;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${isoDate(v)}T${pad(v.hour)}:${pad(v.minute)}:${pad(v.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
