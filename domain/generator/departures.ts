import { pickWeighted, type Rng } from '../../platform/random.ts';
import type { Itinerary } from './catalogue.ts';
import type { TripRequests } from './trip-requests.ts';
import { MAX_OPTIONS } from './trip-requests.ts';
import { weekday } from './time.ts';

/**
 * Scheduled departures of every itinerary, and their seats as sales happen. The schedule is planned from the
 * demand the customers will bring (as an operator plans from its forecast): departures per week are chosen so
 * that a departure would be about `targetLoad` full on average; the peak season then sells out and the low
 * season runs emptier, as it does in Cusco. Departures leave on the itinerary's fixed weekdays.
 *
 * Seats are tracked twice: `held` is what the market sees at a moment (bookings made and not yet cancelled,
 * replayed in time order — the load factor that moves prices), `committed` also counts bookings already decided
 * whose booking moment is still ahead, so a departure can never be sold beyond its capacity.
 */
export const SCHEDULE = {
  targetLoad: 0.6,
  /** Weekday preference of departure days, Monday..Sunday. */
  weekdayWeights: [0.15, 0.05, 0.1, 0.1, 0.05, 0.3, 0.25],
  /** A request settles for a departure at most this many days from the date it wanted. */
  maxShiftDays: 14,
  /** Chance a booked request converts, used only to plan capacity. */
  planningConversion: 0.5,
};

export interface DeparturePlan {
  /** Departures per week (fractional below 1: every 2, 3 or 4 weeks). */
  perWeek: number;
  weekdays: number[];
  capacity: number;
}

/** Plans each itinerary's weekly departures and capacity from the requests' parties and travel dates. */
export function planDepartures(itineraries: readonly Itinerary[], requests: TripRequests, weeks: number, rng: Rng): DeparturePlan[] {
  const pax = new Float64Array(itineraries.length);
  for (let k = 0; k < requests.count; k++) {
    for (let j = 0; j < MAX_OPTIONS; j++) {
      const it = requests.options[k * MAX_OPTIONS + j];
      // The first option is what the customer came for; alternatives win sometimes.
      if (it >= 0) pax[it] += requests.party[k] * (j === 0 ? 0.75 : 0.15);
    }
  }
  return itineraries.map((it, i) => {
    const weekly = (pax[i] * SCHEDULE.planningConversion) / Math.max(1, weeks);
    const needed = weekly / (it.capacity * SCHEDULE.targetLoad);
    let perWeek: number;
    let capacity = it.capacity;
    if (needed > 7) {
      perWeek = 7;
      capacity = Math.min(30000, Math.ceil(it.capacity * (needed / 7)));
    } else if (needed >= 1) perWeek = Math.round(needed);
    else perWeek = 1 / Math.min(4, Math.max(1, Math.round(1 / Math.max(needed, 1e-9))));
    const order: number[] = [];
    const weights = [...SCHEDULE.weekdayWeights];
    for (let d = 0; d < Math.max(1, Math.round(perWeek)); d++) {
      const w = pickWeighted(rng, weights);
      order.push(w);
      weights[w] = 0;
    }
    return { perWeek, weekdays: order.sort((a, b) => a - b), capacity };
  });
}

export class DepartureBook {
  readonly count: number;
  readonly itinerary: Int16Array;
  readonly day: Int32Array;
  readonly capacity: Int32Array;
  readonly held: Int32Array;
  readonly committed: Int32Array;
  /** Seats of bookings confirmed as of the end date: the seats_sold column. */
  readonly confirmed: Int32Array;
  /** Last moment seats_sold changed (ms), 0 if never. */
  readonly lastChangeMs: Float64Array;
  private readonly first: Int32Array;
  private readonly size: Int32Array;

  constructor(plans: readonly DeparturePlan[], firstDay: number, lastDay: number) {
    const days: number[][] = plans.map((plan) => {
      const out: number[] = [];
      const everyWeeks = plan.perWeek < 1 ? Math.round(1 / plan.perWeek) : 1;
      for (let day = firstDay; day <= lastDay; day++) {
        if (!plan.weekdays.includes(weekday(day))) continue;
        // Fortnightly and monthly departures count weeks from the epoch, so the pattern is stable.
        if (everyWeeks > 1 && Math.floor((day + 3) / 7) % everyWeeks !== 0) continue;
        out.push(day);
      }
      return out;
    });
    this.count = days.reduce((s, d) => s + d.length, 0);
    this.itinerary = new Int16Array(this.count);
    this.day = new Int32Array(this.count);
    this.capacity = new Int32Array(this.count);
    this.held = new Int32Array(this.count);
    this.committed = new Int32Array(this.count);
    this.confirmed = new Int32Array(this.count);
    this.lastChangeMs = new Float64Array(this.count);
    this.first = new Int32Array(plans.length);
    this.size = new Int32Array(plans.length);
    let n = 0;
    plans.forEach((plan, i) => {
      this.first[i] = n;
      this.size[i] = days[i].length;
      for (const day of days[i]) {
        this.itinerary[n] = i;
        this.day[n] = day;
        this.capacity[n] = plan.capacity;
        n++;
      }
    });
  }

  /**
   * The departure of an itinerary closest to the wanted day, not before `earliestDay`, within maxShiftDays, with
   * room for the party; −1 if sold out (or none scheduled near).
   */
  find(itinerary: number, wantedDay: number, party: number, earliestDay: number): number {
    const lo0 = this.first[itinerary];
    const hi0 = lo0 + this.size[itinerary];
    let lo = lo0;
    let hi = hi0;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.day[mid] < wantedDay) lo = mid + 1;
      else hi = mid;
    }
    // Walk outwards from the insertion point, nearest first (later wins a tie: travellers rather shift later).
    let after = lo;
    let before = lo - 1;
    for (;;) {
      const da = after < hi0 ? this.day[after] - wantedDay : Infinity;
      const db = before >= lo0 ? wantedDay - this.day[before] : Infinity;
      if (Math.min(da, db) > SCHEDULE.maxShiftDays) return -1;
      const d = da <= db ? after++ : before--;
      if (this.day[d] >= earliestDay && this.committed[d] + party <= this.capacity[d]) return d;
    }
  }
}
