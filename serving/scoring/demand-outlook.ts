import { GRANULARITIES, type Granularity } from '../../contract/demand.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { bookingPace, expectedLoadFactor, type BookingPace } from '../../models/demand/demand-signals.ts';
import type { DemandForecaster } from '../../models/demand/demand-forecaster.ts';
import { isoDay, periodIndex, periodStart as modelPeriodStart, type Frequency } from '../../models/demand/frequency.ts';
import type { ServingContext } from '../context.ts';
import type { DemandWindow } from '../online/sources.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';

/**
 * The demand outlook of a destination over a window: the forecast of travellers booking in each period (the
 * series `destination/<code>/travellers` of features/demand-series.ts, counted on the day the booking is made),
 * and for the departures in the window their capacity, what is booked, the pace against the same window last
 * year and the load factor that pace projects.
 */

const FREQUENCY_OF: Record<Granularity, string> = { day: 'daily', week: 'weekly', month: 'monthly' };
const ORDER = ['daily', 'weekly', 'monthly', 'quarterly', 'yearly'];
/** Forecasts further ahead than this many periods of the model are refused rather than computed. */
const MAX_STEPS = 800;
const DAY_MS = 86_400_000;

export interface DemandQuery {
  destination: string;
  from: string;
  to: string;
  granularity?: Granularity;
}

export interface ForecastPeriod {
  /** First day the row covers: that of the first model step counted in the window (a step it only touches counts whole). */
  start: string;
  /** Days the row covers: fewer than the period's when the window cuts it. */
  days: number;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface DemandOutlook {
  destination: string;
  measure: 'travellers';
  granularity: Granularity;
  window: { from: string; to: string };
  forecast: ForecastPeriod[];
  /** First day the model forecasts: periods of the window before it are not in `forecast`. */
  forecastFrom: string;
  departures: {
    count: number;
    capacity: number;
    bookedTravellers: number;
    /** Booked / capacity now. */
    loadFactor: number | null;
    /** Booked plus what the pace projects, / capacity, with the forecast's relative 80% range. */
    expectedLoadFactor: { expected: number; lo80: number; hi80: number } | null;
    /**
     * Bookings so far against the same window in an earlier year by the same date (1 = same pace): last year, or the
     * most recent of the three before that had sold by that date (`yearsBack`). `bookedLastYear` is that year's.
     */
    pace: { pace: number | null; leadTimeDays: number; yearsBack: number; bookedLastYear: number; projectedFinal: number } | null;
  } | null;
  modelVersion: string;
  featureSnapshotId: string;
  defaultedFeatures: string[];
}

function frequencyOf(model: DemandForecaster): Frequency {
  // The fitted frequency is part of the artefact's state; toArtifact hands it out without copying.
  return (model.toArtifact().state as { frequency: Frequency }).frequency;
}

function round(value: number, digits = 3): number {
  return Number(value.toFixed(digits));
}

/** Start of the coarser period a day falls in (weeks start on Monday, like the series). */
function periodStart(day: string, granularity: Granularity): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (granularity === 'week') date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  if (granularity === 'month') date.setUTCDate(1);
  return date.toISOString().slice(0, 10);
}

function checkGranularity(frequency: string, granularity: Granularity): void {
  if (ORDER.indexOf(FREQUENCY_OF[granularity]) < ORDER.indexOf(frequency)) {
    throw new InputError(`granularity ${granularity} is finer than the served demand model (${frequency}); ask for ${GRANULARITIES.filter((g) => ORDER.indexOf(FREQUENCY_OF[g]) >= ORDER.indexOf(frequency)).join(' or ')}`, 'granularity');
  }
}

/** The first day of the model step after the one starting on `day`, by the calendar (a month is its own length). */
function stepAfter(day: string, frequency: Frequency): string {
  return isoDay(modelPeriodStart(periodIndex(new Date(`${day}T00:00:00Z`), frequency) + 1, frequency));
}

export function forecastWindow(model: DemandForecaster, seriesId: string, query: DemandQuery, granularity: Granularity): ForecastPeriod[] {
  const frequency = frequencyOf(model);
  checkGranularity(frequency, granularity);
  // Ask for enough steps to reach the end of the window, growing the horizon as needed.
  let steps = 8;
  let [forecast] = model.predict([{ seriesId, horizon: steps }]);
  while (forecast.dates[forecast.dates.length - 1] < query.to && steps < MAX_STEPS) {
    steps = Math.min(MAX_STEPS, steps * 2);
    [forecast] = model.predict([{ seriesId, horizon: steps }]);
  }
  if (forecast.dates[forecast.dates.length - 1] < query.to) {
    throw new InputError(`to ${query.to} is more than ${MAX_STEPS} ${frequency} periods ahead of the data`, 'to');
  }
  const periods = new Map<string, ForecastPeriod>();
  forecast.dates.forEach((date, h) => {
    // A model period belongs to the window when it overlaps it.
    if (date > query.to) return;
    const next = h + 1 < forecast.dates.length ? forecast.dates[h + 1] : stepAfter(date, frequency);
    if (next <= query.from) return;
    const key = periodStart(date, granularity);
    // A model step counts whole (a weekly step the window only touches is that week's forecast), so the row starts
    // at the first step counted and covers the days of the steps counted: a daily model's week cut by the window is
    // a shorter row, and says so, rather than a smaller week.
    const p = periods.get(key) ?? { start: date, days: 0, mean: 0, lo80: 0, hi80: 0, lo95: 0, hi95: 0 };
    p.days += Math.round((Date.parse(next) - Date.parse(date)) / DAY_MS);
    // Bounds of coarser periods are the sums of the steps' bounds: conservative (wider than a joint interval).
    p.mean += forecast.mean[h];
    p.lo80 += forecast.lo80[h];
    p.hi80 += forecast.hi80[h];
    p.lo95 += forecast.lo95[h];
    p.hi95 += forecast.hi95[h];
    periods.set(key, p);
  });
  return [...periods.values()].map((p) => ({ start: p.start, days: p.days, mean: round(p.mean), lo80: round(p.lo80), hi80: round(p.hi80), lo95: round(p.lo95), hi95: round(p.hi95) }));
}

/** The first day each served model forecasts, per series: the same for every request, so predicted once. */
const forecastStarts = new WeakMap<DemandForecaster, Map<string, string>>();

function forecastStart(model: DemandForecaster, seriesId: string): string {
  let starts = forecastStarts.get(model);
  if (!starts) forecastStarts.set(model, (starts = new Map()));
  let start = starts.get(seriesId);
  if (start === undefined) starts.set(seriesId, (start = model.predict([{ seriesId, horizon: 1 }])[0].dates[0]));
  return start;
}

export function seriesIdFor(destination: string): string {
  return `destination/${destination}/travellers`;
}

export async function demandOutlook(ctx: ServingContext, query: DemandQuery, now = new Date()): Promise<DemandOutlook> {
  const served = ctx.champions.get('demand');
  const seriesId = seriesIdFor(query.destination);
  if (!served.model.seriesIds.includes(seriesId)) {
    throw new NotFoundError(`the demand model ${served.version} has no series for destination "${query.destination}" (${seriesId})`, 'destination');
  }
  const frequency = frequencyOf(served.model);
  const granularity = query.granularity ?? (Object.entries(FREQUENCY_OF).find(([, f]) => f === frequency)?.[0] as Granularity | undefined) ?? 'month';
  checkGranularity(frequency, granularity);
  // The forecast of one version for one window does not change: computed once, then served from the cache.
  const forecastKey = [served.version, seriesId, granularity, query.from, query.to].join('|');
  const cached = await ctx.online.lookup('demand', forecastKey, async () => forecastWindow(served.model, seriesId, query, granularity));
  const forecast = cached.value ?? forecastWindow(served.model, seriesId, query, granularity);

  // Lima's day: the bookings counted by now, and the same date in earlier years, are Lima's days too.
  const asOf = limaToday(now);
  const window = await ctx.online.lookup('demand', `window:${query.destination}|${query.from}|${query.to}|${asOf}`, () => ctx.sources.demandWindow(query.destination, query.from, query.to, now));
  const defaulted = window.source === 'default' ? ['departures'] : [];
  if (defaulted.length) ctx.metrics.featuresDefaulted.inc({ kind: 'demand' });
  let departures: DemandOutlook['departures'] = null;
  if (window.value) {
    const w = window.value;
    const leadTimeDays = Math.max(0, Math.round((Date.parse(`${query.from}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / DAY_MS));
    const compared = paceAgainstEarlierYears(w, leadTimeDays);
    const pace = compared?.pace ?? null;
    let expected: { expected: number; lo80: number; hi80: number } | null = null;
    // Only a window the forecast reaches has an expected load factor: before it, what sold is what `loadFactor` says.
    if (w.capacity > 0 && pace && Number.isFinite(pace.projectedFinal) && forecast.length > 0) {
      const total = forecast.reduce((s, p) => ({ mean: s.mean + p.mean, lo80: s.lo80 + p.lo80, hi80: s.hi80 + p.hi80 }), { mean: 0, lo80: 0, hi80: 0 });
      const remaining = Math.max(0, pace.projectedFinal - w.bookedTravellers);
      // The pace projects the amount; the forecast's relative range says how uncertain such an amount is.
      const low = total.mean > 0 ? total.lo80 / total.mean : 1;
      const high = total.mean > 0 ? total.hi80 / total.mean : 1;
      const lf = expectedLoadFactor({ capacity: w.capacity, bookedTravellers: w.bookedTravellers, remaining: { mean: remaining, lo80: remaining * low, hi80: remaining * high } });
      expected = { expected: round(lf.expected), lo80: round(lf.lo80), hi80: round(lf.hi80) };
    }
    departures = {
      count: w.departures,
      capacity: w.capacity,
      bookedTravellers: w.bookedTravellers,
      loadFactor: w.capacity > 0 ? round(w.bookedTravellers / w.capacity) : null,
      expectedLoadFactor: expected,
      pace: pace
        ? { pace: Number.isFinite(pace.pace) ? round(pace.pace) : null, leadTimeDays, yearsBack: compared!.yearsBack, bookedLastYear: pace.bookedLastYear, projectedFinal: round(pace.projectedFinal, 1) }
        : null,
    };
  } else if (window.source !== 'default') {
    throw new NotFoundError(`there is no destination "${query.destination}"`, 'destination');
  }
  const features = { seriesId, window: window.value ?? null };
  return {
    destination: query.destination,
    measure: 'travellers',
    granularity,
    window: { from: query.from, to: query.to },
    forecast,
    forecastFrom: forecastStart(served.model, seriesId),
    departures,
    modelVersion: served.version,
    featureSnapshotId: featureSnapshotId(features),
    defaultedFeatures: defaulted,
  };
}

/**
 * The pace against the most recent earlier year whose same window had sold by the same date; failing that, the
 * most recent that sold it at all (by that date it had sold nothing); null when none of them sold the window.
 */
export function paceAgainstEarlierYears(window: Pick<DemandWindow, 'bookedTravellers' | 'earlierYears'>, leadTimeDays: number): { yearsBack: number; pace: BookingPace } | null {
  const sold = window.earlierYears.filter((y) => y.final > 0);
  const paces = sold.map((y) => ({ yearsBack: y.yearsBack, pace: bookingPace({ leadTimeDays, bookedNow: window.bookedTravellers, bookedThen: y.bookedBySameDate, finalThen: y.final }) }));
  return paces.find((p) => p.pace.bookedLastYear > 0) ?? paces[0] ?? null;
}
