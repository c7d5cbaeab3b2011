import { InputError } from '../../platform/errors.ts';

/**
 * The time grid of a series: each frequency numbers its periods (days, weeks, months, quarters, years since
 * 1970) so that gaps, duplicates and future dates are integer arithmetic, and turns a period back into a date.
 */
export const FREQUENCIES = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];

/** Seasonal periods used when the caller names none: weekly and yearly cycles of daily data, and so on. */
export const DEFAULT_SEASONALITIES: Record<Frequency, number[]> = {
  daily: [7, 365.25],
  weekly: [365.25 / 7],
  monthly: [12],
  quarterly: [4],
  yearly: [],
};

const DAY_MS = 86_400_000;

export function parseDate(value: string | Date, field: string): Date {
  const date = value instanceof Date ? value : new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new InputError(`${field}: "${String(value)}" is not a date (use YYYY-MM-DD)`, field);
  return date;
}

/** Period number of a date: weeks start on the weekday of 1970-01-01 shifted to Monday. */
export function periodIndex(date: Date, frequency: Frequency): number {
  const days = Math.floor(date.getTime() / DAY_MS);
  switch (frequency) {
    case 'daily':
      return days;
    case 'weekly':
      return Math.floor((days + 3) / 7);
    case 'monthly':
      return date.getUTCFullYear() * 12 + date.getUTCMonth();
    case 'quarterly':
      return date.getUTCFullYear() * 4 + Math.floor(date.getUTCMonth() / 3);
    case 'yearly':
      return date.getUTCFullYear();
  }
}

/** First day of a period, in UTC. */
export function periodStart(index: number, frequency: Frequency): Date {
  switch (frequency) {
    case 'daily':
      return new Date(index * DAY_MS);
    case 'weekly':
      return new Date((index * 7 - 3) * DAY_MS);
    case 'monthly':
      return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
    case 'quarterly':
      return new Date(Date.UTC(Math.floor(index / 4), (index % 4) * 3, 1));
    case 'yearly':
      return new Date(Date.UTC(index, 0, 1));
  }
}

export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The shortest whole seasonal period the per-series models (seasonal naive, ETS, Theta) use; 1 when none. */
export function mainPeriod(seasonalities: readonly number[]): number {
  const whole = seasonalities.map((s) => Math.round(s)).filter((s) => s > 1);
  return whole.length ? Math.min(...whole) : 1;
}
