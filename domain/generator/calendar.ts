import { dayNumber, yearOf } from './time.ts';

/**
 * The dates that move travel: Easter (Semana Santa moves every year) and yearly windows around fixed or
 * Easter-relative dates. Windows are expressed in day numbers so seasons.ts can paint them onto a day grid.
 */

/** Easter Sunday of a year (Gregorian computus, Meeus/Jones/Butcher), as a day number. */
export function easterSunday(year: number): number {
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
  return dayNumber(year, month, day);
}

export type Anchor = { kind: 'fixed'; month: number; day: number } | { kind: 'easter'; offset: number };

/** A window that recurs every year: from `before` days ahead of the anchor to `after` days past it. */
export interface YearlyWindow {
  anchor: Anchor;
  before: number;
  after: number;
}

function anchorDay(anchor: Anchor, year: number): number {
  return anchor.kind === 'fixed' ? dayNumber(year, anchor.month, anchor.day) : easterSunday(year) + anchor.offset;
}

/** Every [first, last] day range of the window that touches [fromDay, toDay]. */
export function windowRanges(window: YearlyWindow, fromDay: number, toDay: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let year = yearOf(fromDay) - 1; year <= yearOf(toDay) + 1; year++) {
    const at = anchorDay(window.anchor, year);
    const first = at - window.before;
    const last = at + window.after;
    if (last >= fromDay && first <= toDay) ranges.push([Math.max(first, fromDay), Math.min(last, toDay)]);
  }
  return ranges;
}
