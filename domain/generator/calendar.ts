import { easterDay } from '../../platform/calendar/calendar-events.ts';
import { dayNumber, yearOf } from './time.ts';

/**
 * The dates that move travel: Easter (Semana Santa moves every year) and yearly windows around fixed or
 * Easter-relative dates. Windows are expressed in day numbers so seasons.ts can paint them onto a day grid.
 */

export type Anchor = { kind: 'fixed'; month: number; day: number } | { kind: 'easter'; offset: number };

/** A window that recurs every year: from `before` days ahead of the anchor to `after` days past it. */
export interface YearlyWindow {
  anchor: Anchor;
  before: number;
  after: number;
}

function anchorDay(anchor: Anchor, year: number): number {
  return anchor.kind === 'fixed' ? dayNumber(year, anchor.month, anchor.day) : easterDay(year) + anchor.offset;
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
