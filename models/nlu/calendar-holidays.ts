import { easterDay } from '../../platform/calendar/calendar-events.ts';

/**
 * Dates as whole days in UTC (no time zone can shift a travel date), and the holidays customers name.
 * Easter comes from the shared computus in platform/calendar, the same day the demand model uses.
 */
export type Day = number; // days since 1970-01-01

export function dayOf(year: number, month: number, date: number): Day {
  return Math.floor(Date.UTC(year, month - 1, date) / 86_400_000);
}

export function parts(day: Day): { year: number; month: number; date: number; weekday: number } {
  const d = new Date(day * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate(), weekday: d.getUTCDay() };
}

export function isoDay(day: Day): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export function parseIsoDay(text: string): Day | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const [y, m, d] = text.split('-').map(Number);
  const day = dayOf(y, m, d);
  return isoDay(day) === text ? day : undefined;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}


export interface Holiday {
  /** Patterns on normalised text. */
  pattern: RegExp;
  /** The holiday's span in a given year. */
  span(year: number): { from: Day; to: Day | null };
}

export const HOLIDAYS: readonly Holiday[] = [
  // Semana Santa runs from Palm Sunday to Easter Sunday.
  { pattern: /\b(semana santa|holy week|easter)\b/, span: (y) => ({ from: easterDay(y) - 7, to: easterDay(y) }) },
  { pattern: /\b(fiestas patrias|peru'?s independence day|independence day)\b/, span: (y) => ({ from: dayOf(y, 7, 28), to: dayOf(y, 7, 29) }) },
  { pattern: /\binti ?raymi\b/, span: (y) => ({ from: dayOf(y, 6, 24), to: null }) },
  { pattern: /\b(noche ?buena|christmas eve)\b/, span: (y) => ({ from: dayOf(y, 12, 24), to: null }) },
  { pattern: /\b(navidad|christmas|xmas)\b/, span: (y) => ({ from: dayOf(y, 12, 25), to: null }) },
  { pattern: /\b(ano nuevo|new year'?s? eve|new year|fin de ano)\b/, span: (y) => ({ from: dayOf(y, 12, 31), to: dayOf(y + 1, 1, 1) }) },
  { pattern: /\b(candelaria)\b/, span: (y) => ({ from: dayOf(y, 2, 2), to: null }) },
];
