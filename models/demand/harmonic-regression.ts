import { InputError } from '../../platform/errors.ts';
import { eventDays, yearOfDay } from '../../platform/calendar/calendar-events.ts';
import { normalForecast, type Forecast } from './forecast.ts';
import { periodStart, periodIndex, type Frequency } from './frequency.ts';
import { ridgeLeastSquares } from './least-squares.ts';
import { PERU_CALENDAR, type CalendarEvent } from '../../platform/calendar/peru-calendar.ts';

/**
 * Dynamic harmonic regression for data with several seasonalities (daily: weekly and yearly): a linear trend,
 * Fourier terms per seasonal period and calendar events (holidays, festivals, school holidays) as regressors,
 * with AR(1) errors. Fourier phases use the absolute period number, so a weekly cycle stays tied to weekdays and a
 * yearly one to the calendar, whatever the series' first date.
 */
export interface HarmonicTerm {
  period: number;
  harmonics: number;
}

export interface HarmonicState {
  frequency: Frequency;
  firstIndex: number;
  n: number;
  terms: HarmonicTerm[];
  /** Names of the calendar events used as regressors (see peru-calendar.ts). */
  events: string[];
  coefficients: number[];
  phi: number;
  sigma2: number;
  lastResidual: number;
}

/** Harmonics per period: enough for a sharp weekly pattern (3 for 7 days) and a smooth yearly one (10). */
export function harmonicsFor(period: number): number {
  return Math.max(1, Math.min(Math.floor(period / 2), period < 10 ? 3 : 10));
}

/** Events only make sense below a month: the monthly and slower grids absorb fixed dates into their seasonality. */
function eventsFor(frequency: Frequency): CalendarEvent[] {
  return frequency === 'daily' || frequency === 'weekly' ? [...PERU_CALENDAR] : [];
}

function findEvents(names: readonly string[]): CalendarEvent[] {
  return names.map((name) => {
    const event = PERU_CALENDAR.find((e) => e.name === name);
    if (!event) throw new InputError(`calendar event "${name}" used by this model is no longer in peru-calendar.ts`, 'events');
    return event;
  });
}

/** Share of the period's days inside each event window (0/1 for daily data, a fraction of 7 for weekly). */
function eventShares(events: readonly CalendarEvent[], frequency: Frequency, firstIndex: number, length: number): Float64Array[] {
  if (events.length === 0) return [];
  const daysPerPeriod = frequency === 'weekly' ? 7 : 1;
  const firstDay = periodIndex(periodStart(firstIndex, frequency), 'daily');
  const lastDay = firstDay + length * daysPerPeriod;
  return events.map((event) => {
    const active = eventDays(event, yearOfDay(firstDay), yearOfDay(lastDay));
    const shares = new Float64Array(length);
    for (let t = 0; t < length; t++) {
      let count = 0;
      for (let d = 0; d < daysPerPeriod; d++) if (active(firstDay + t * daysPerPeriod + d)) count++;
      shares[t] = count / daysPerPeriod;
    }
    return shares;
  });
}

/** Design rows for steps from..to−1 of a series starting at period `firstIndex`. */
export function designRows(state: Pick<HarmonicState, 'frequency' | 'firstIndex' | 'n' | 'terms'>, events: readonly CalendarEvent[], from: number, to: number): Float64Array[] {
  const shares = eventShares(events, state.frequency, state.firstIndex + from, to - from);
  const width = 2 + state.terms.reduce((s, term) => s + 2 * term.harmonics, 0) + events.length;
  const rows: Float64Array[] = [];
  for (let t = from; t < to; t++) {
    const row = new Float64Array(width);
    row[0] = 1;
    row[1] = t / state.n;
    let c = 2;
    const absolute = state.firstIndex + t;
    for (const term of state.terms) {
      for (let k = 1; k <= term.harmonics; k++) {
        const angle = (2 * Math.PI * k * absolute) / term.period;
        row[c++] = Math.sin(angle);
        row[c++] = Math.cos(angle);
      }
    }
    for (let e = 0; e < events.length; e++) row[c++] = shares[e][t - from];
    rows.push(row);
  }
  return rows;
}

export function fitHarmonic(y: ArrayLike<number>, frequency: Frequency, start: string, seasonalities: readonly number[]): HarmonicState {
  const n = y.length;
  // A seasonal period needs one full cycle in the history to be estimated at all.
  const terms = seasonalities.filter((p) => p > 1 && n >= p).map((period) => ({ period, harmonics: harmonicsFor(period) }));
  const firstIndex = periodIndex(new Date(`${start}T00:00:00Z`), frequency);
  const candidates = eventsFor(frequency);
  const base = { frequency, firstIndex, n, terms };
  // An event that never occurred in the history cannot be estimated: leave it out.
  const shares = eventShares(candidates, frequency, firstIndex, n);
  const events = candidates.filter((_, e) => shares[e].some((v) => v > 0) && shares[e].some((v) => v < 1));
  const rows = designRows(base, events, 0, n);
  const coefficients = ridgeLeastSquares(rows, y);
  const residuals = rows.map((row, t) => y[t] - row.reduce((s, x, i) => s + x * coefficients[i], 0));
  let num = 0;
  let den = 0;
  for (let t = 0; t < n; t++) {
    den += residuals[t] ** 2;
    if (t > 0) num += residuals[t] * residuals[t - 1];
  }
  const phi = den > 0 ? Math.max(-0.99, Math.min(0.99, num / den)) : 0;
  let innovations = 0;
  for (let t = 1; t < n; t++) innovations += (residuals[t] - phi * residuals[t - 1]) ** 2;
  const k = coefficients.length + 1;
  return {
    ...base,
    events: events.map((e) => e.name),
    coefficients: Array.from(coefficients),
    phi,
    sigma2: innovations / Math.max(1, n - 1 - k),
    lastResidual: residuals[n - 1],
  };
}

/** Regression on the future calendar plus the decaying last error; variance of an AR(1) accumulates as Σφ^(2i). */
export function harmonicForecast(state: HarmonicState, horizon: number): Forecast {
  const rows = designRows(state, findEvents(state.events), state.n, state.n + horizon);
  const mean = new Float64Array(horizon);
  const sd = new Float64Array(horizon);
  let carry = state.lastResidual;
  let variance = 0;
  let power = 1;
  for (let h = 0; h < horizon; h++) {
    carry *= state.phi;
    variance += state.sigma2 * power;
    power *= state.phi * state.phi;
    mean[h] = rows[h].reduce((s, x, i) => s + x * state.coefficients[i], 0) + carry;
    sd[h] = Math.sqrt(variance);
  }
  return normalForecast(mean, sd);
}
