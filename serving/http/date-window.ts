import { InputError } from '../../platform/errors.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';

const DAY_MS = 86_400_000;
/** Windows longer than this are refused: no question the API answers needs more, and each costs a scan. */
export const MAX_WINDOW_DAYS = 731;

const ADD_DAYS_MEMO = new Map<string, string>();

/** A day plus some days; memoised (bounded) since the same few windows are asked for all day. */
export function addDays(day: string, days: number): string {
  const key = `${day}+${days}`;
  let result = ADD_DAYS_MEMO.get(key);
  if (result === undefined) {
    result = new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
    if (ADD_DAYS_MEMO.size >= 10_000) ADD_DAYS_MEMO.clear();
    ADD_DAYS_MEMO.set(key, result);
  }
  return result;
}

let memo = { minute: -1, day: '' };

/**
 * Today's date where the tours run (Lima's day, as the warehouse counts bookings), computed at most once a minute:
 * every request with a default window asks for it. UTC's day is Lima's tomorrow from 19:00.
 */
export function today(now = Date.now()): string {
  const minute = Math.floor(now / 60_000);
  if (minute !== memo.minute) memo = { minute, day: limaToday(new Date(now)) };
  return memo.day;
}

/**
 * The earliest day a window may start: the warehouse's dates start in 1970, and the demand pace reads the same window
 * up to three years earlier. An earlier day failed inside ClickHouse and was answered as a defaulted 200.
 */
export const EARLIEST_DAY = '1973-01-01';

/**
 * A window of departures to offer: those that have left (before `today`, Lima's day) are not for sale, so a window
 * reaching into the past starts today, and one wholly in the past is refused naming `from`, where it went wrong.
 */
export function departuresAhead(window: { from: string; to: string }, today: string): { from: string; to: string } {
  if (window.to < today) throw new InputError(`the window from ${window.from} to ${window.to} is wholly before today (${today} in Lima): departures that have left are not offered; give from ${today} or later`, 'from');
  return window.from < today ? { from: today, to: window.to } : window;
}

/** A [from, to] window of days with defaults, checked: from ≤ to and at most MAX_WINDOW_DAYS long. */
export function dateWindow(from: string | undefined, to: string | undefined, defaults: { from: string; days: number }): { from: string; to: string } {
  const start = from ?? defaults.from;
  const end = to ?? addDays(start, defaults.days);
  // Past 9999 a date is written "+010000-…", which compares as text before every real date.
  if (to === undefined && !/^\d{4}-/.test(end)) throw new InputError(`from ${start} leaves no room for the default ${defaults.days}-day window before 9999-12-31; give to as well`, 'from');
  if (start < EARLIEST_DAY) throw new InputError(`from must be ${EARLIEST_DAY} or later, got ${start}`, 'from');
  if (end < start) throw new InputError(`to (${end}) is before from (${start})`, 'to');
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS;
  if (days > MAX_WINDOW_DAYS) throw new InputError(`the window from ${start} to ${end} is ${days} days; at most ${MAX_WINDOW_DAYS}`, 'to');
  return { from: start, to: end };
}
