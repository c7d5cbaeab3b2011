import { normal, substream } from '../../platform/random.ts';
import { eventDays } from '../../platform/calendar/calendar-events.ts';
import { PERU_CALENDAR } from '../../platform/calendar/peru-calendar.ts';

/**
 * Generated demand with known parts, for tests and the benchmark: a level and trend, seasonal cycles, a holiday
 * spike, and Gaussian noise of a known size.
 */
export interface MonthlyPattern {
  months: number;
  level: number;
  trendPerMonth: number;
  /** Multiplicative peak-season amplitude (dry season June–August in Cusco). */
  seasonAmplitude: number;
  noiseSd: number;
  seed: number;
}

/** Month t (from January) demand without noise: level·(1 + amplitude·cos(2π(t − 6)/12)) + trend·t. */
export function monthlyTruth(p: Omit<MonthlyPattern, 'noiseSd' | 'seed' | 'months'>, t: number): number {
  return (p.level + p.trendPerMonth * t) * (1 + p.seasonAmplitude * Math.cos((2 * Math.PI * (t - 6)) / 12));
}

export function monthlySeries(p: MonthlyPattern): Float64Array {
  const rng = substream(p.seed, 'monthly');
  return Float64Array.from({ length: p.months }, (_, t) => Math.max(0, monthlyTruth(p, t) + normal(rng, 0, p.noiseSd)));
}

export interface DailyPattern {
  /** First day (YYYY-MM-DD) and number of days. */
  start: string;
  days: number;
  level: number;
  trendPerDay: number;
  /** Added on Saturdays and Sundays, removed on other days in proportion, so the week averages out. */
  weekendLift: number;
  /** Amplitude of the yearly cycle, peak at the end of July. */
  yearlyAmplitude: number;
  /** Extra travellers on each day of Semana Santa (its window in peru-calendar.ts: Palm Sunday to Easter Sunday). */
  semanaSantaSpike: number;
  noiseSd: number;
  seed: number;
}

const DAY_MS = 86_400_000;
const SEMANA_SANTA = eventDays(PERU_CALENDAR.find((e) => e.name === 'semana_santa')!, 1990, 2100);

export function dailyTruth(p: Omit<DailyPattern, 'noiseSd' | 'seed' | 'days'>, t: number): number {
  const day = Date.parse(`${p.start}T00:00:00Z`) / DAY_MS + t;
  const date = new Date(day * DAY_MS);
  const weekday = date.getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? p.weekendLift : (-2 / 5) * p.weekendLift;
  const dayOfYear = (day - Date.UTC(date.getUTCFullYear(), 0, 1) / DAY_MS) / 365.25;
  const yearly = p.yearlyAmplitude * Math.cos(2 * Math.PI * (dayOfYear - 210 / 365.25));
  const spike = SEMANA_SANTA(day) ? p.semanaSantaSpike : 0;
  return p.level + p.trendPerDay * t + weekend + yearly + spike;
}

export function dailySeries(p: DailyPattern): Float64Array {
  const rng = substream(p.seed, 'daily');
  return Float64Array.from({ length: p.days }, (_, t) => Math.max(0, dailyTruth(p, t) + normal(rng, 0, p.noiseSd)));
}
