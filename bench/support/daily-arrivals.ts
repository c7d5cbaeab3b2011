import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import { MARKETS } from '../../domain/generator/markets.ts';
import { SeasonGrid } from '../../domain/generator/seasons.ts';
import { normal, poisson, substream, type Rng } from '../../platform/random.ts';
import { formatCompetitionCsv, type CompetitionSeries } from '../../models/demand/tourism-competition.ts';

/**
 * A held-out set of GENERATED daily demand, written in the tourism competition layout (daily_in/oos.csv and the
 * same series summed per week in weekly_in/oos.csv) so the benchmark reads it with the reader real files go through.
 * Travellers per departure date for itineraries (destination × source market × tour), painted with the world
 * generator's season indices (destination seasons, festivals) and markets' holiday propensities, departures on
 * fixed weekdays, a growing business, and Poisson–gamma counts; a fifth of the itineraries are low-volume ones that
 * sell on few days (intermittent demand). Its own seed: nothing was tuned on it.
 */
export interface DailyArrivalsSet {
  dir: string;
  series: number;
  historyDays: number;
  horizonDays: number;
  historyWeeks: number;
  horizonWeeks: number;
}

const DAY_MS = 86_400_000;

/** Weekdays (0 = Sunday) a tour departs on: daily, or a few fixed days. */
function departureDays(rng: Rng): number[] {
  const kind = rng();
  if (kind < 0.35) return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  const count = kind < 0.7 ? 3 : 2;
  while (days.size < count) days.add(Math.floor(rng() * 7));
  return [...days];
}

/** Gamma(shape, 1) by Marsaglia–Tsang, for the day-to-day spread of demand beyond Poisson. */
function gamma(rng: Rng, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v = (1 + c * x) ** 3;
    if (v <= 0) continue;
    if (Math.log(rng()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export function writeDailyArrivals(dir: string, { series = 1000, seed = 20261206, historyDays = 3 * 365 + 1, horizonDays = 56, start = '2023-01-01' } = {}): DailyArrivalsSet {
  const firstDay = Date.parse(`${start}T00:00:00Z`) / DAY_MS;
  const days = historyDays + horizonDays;
  const grid = new SeasonGrid(DESTINATIONS, firstDay, firstDay + days);
  const daily: CompetitionSeries[] = [];
  const weekly: CompetitionSeries[] = [];
  const weeklyFuture: CompetitionSeries[] = [];
  const dailyFuture: CompetitionSeries[] = [];
  // Weeks start on the series' first Monday so that every week is whole.
  const firstMonday = (8 - new Date(firstDay * DAY_MS).getUTCDay()) % 7;
  const historyWeeks = Math.floor((historyDays - firstMonday) / 7);
  const horizonWeeks = Math.floor(horizonDays / 7);
  for (let k = 0; k < series; k++) {
    const rng = substream(seed, `itinerary-${k}`);
    const destination = k % DESTINATIONS.length;
    const market = Math.floor(rng() * MARKETS.length);
    const lowVolume = rng() < 0.2;
    const base = lowVolume ? 0.15 + 0.5 * rng() : 2 + 25 * rng() * DESTINATIONS[destination].popularity;
    const departs = departureDays(rng);
    const weekdayWeight = departs.length === 7 ? [1.3, 0.8, 0.8, 0.9, 1, 1.1, 1.2] : [1, 1, 1, 1, 1, 1, 1];
    const growthPerYear = 0.02 + 0.1 * rng();
    const shape = lowVolume ? 1 : 4 + 10 * rng();
    const values = new Float64Array(days);
    for (let t = 0; t < days; t++) {
      const day = firstDay + t;
      const weekday = new Date(day * DAY_MS).getUTCDay();
      if (!departs.includes(weekday)) continue;
      const perDeparture = (base * 7) / departs.length;
      const mean = perDeparture * weekdayWeight[weekday] * grid.season(destination, day) * grid.propensity(market, day) * (1 + (growthPerYear * t) / 365);
      values[t] = poisson(rng, mean * (gamma(rng, shape) / shape));
    }
    const name = `${DESTINATIONS[destination].code}-${MARKETS[market].country.toLowerCase()}-${k}`;
    const startDate = new Date(firstDay * DAY_MS);
    const dayOfYear = firstDay - Date.UTC(startDate.getUTCFullYear(), 0, 1) / DAY_MS + 1;
    daily.push({ name, startYear: startDate.getUTCFullYear(), startPeriod: dayOfYear, values: values.slice(0, historyDays) });
    dailyFuture.push({ name, startYear: startDate.getUTCFullYear(), startPeriod: dayOfYear + historyDays, values: values.slice(historyDays) });
    const weeks = Float64Array.from({ length: historyWeeks + horizonWeeks }, (_, w) => {
      let sum = 0;
      for (let d = 0; d < 7; d++) sum += values[firstMonday + 7 * w + d] ?? 0;
      return sum;
    });
    const weekOfYear = Math.floor((dayOfYear + firstMonday - 1) / 7) + 1;
    weekly.push({ name, startYear: startDate.getUTCFullYear(), startPeriod: weekOfYear, values: weeks.slice(0, historyWeeks) });
    weeklyFuture.push({ name, startYear: startDate.getUTCFullYear(), startPeriod: weekOfYear + historyWeeks, values: weeks.slice(historyWeeks) });
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'daily_in.csv'), formatCompetitionCsv(daily, true));
  writeFileSync(path.join(dir, 'daily_oos.csv'), formatCompetitionCsv(dailyFuture, true));
  writeFileSync(path.join(dir, 'weekly_in.csv'), formatCompetitionCsv(weekly, true));
  writeFileSync(path.join(dir, 'weekly_oos.csv'), formatCompetitionCsv(weeklyFuture, true));
  writeFileSync(
    path.join(dir, 'README.md'),
    `GENERATED data (bench/support/daily-arrivals.ts, seed ${seed}): travellers per departure date of ${series} itineraries, not real bookings.\n`,
  );
  return { dir, series, historyDays, horizonDays, historyWeeks, horizonWeeks };
}
