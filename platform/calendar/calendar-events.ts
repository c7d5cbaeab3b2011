import type { CalendarEvent, EventRule } from './peru-calendar.ts';

/**
 * Turns the editable calendar into day-level facts: is this day inside that event's window?
 * Days are counted since 1970-01-01 (UTC), as `periodIndex(date, 'daily')`.
 */
const DAY_MS = 86_400_000;

/** Easter Sunday of a Gregorian year (anonymous Gregorian computus, Meeus/Jones/Butcher), as a day number. */
export function easterDay(year: number): number {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / DAY_MS;
}

/** The event's windows [first, last] (inclusive day numbers) that start in a given year. */
function windowsOfYear(rule: EventRule, year: number, before: number, after: number): Array<[number, number]> {
  switch (rule.kind) {
    case 'fixed': {
      const d = dayOf(year, rule.month, rule.day);
      return [[d - before, d + after]];
    }
    case 'easter': {
      const d = easterDay(year) + rule.offset;
      return [[d - before, d + after]];
    }
    case 'range': {
      const from = dayOf(year, rule.from[0], rule.from[1]);
      const wraps = rule.to[0] < rule.from[0] || (rule.to[0] === rule.from[0] && rule.to[1] < rule.from[1]);
      return [[from, dayOf(wraps ? year + 1 : year, rule.to[0], rule.to[1])]];
    }
  }
}

/** For each event, a predicate over day numbers; windows are precomputed for the years asked. */
export function eventDays(event: CalendarEvent, firstYear: number, lastYear: number): (day: number) => boolean {
  const windows: Array<[number, number]> = [];
  for (let year = firstYear - 1; year <= lastYear; year++) windows.push(...windowsOfYear(event.rule, year, event.before ?? 0, event.after ?? 0));
  return (day) => windows.some(([lo, hi]) => day >= lo && day <= hi);
}

export function yearOfDay(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear();
}
