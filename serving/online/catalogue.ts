import type { DepartureFeatureTable } from '../../features/departure-features-online.ts';
import type { Logger } from '../../platform/log.ts';
import type { CatalogueRows, ItineraryFacts, ServingSources } from './sources.ts';
import { logConnectionLoss } from '../../platform/stopping.ts';
import { addDays, today as limaDayAt } from '../http/date-window.ts';

const HOUR_MS = 3_600_000;
/**
 * How many days before today the catalogue keeps departures: enough for the competition feature's window around
 * any departure from today on (a quote is never for a departure before its day).
 */
const PAST_DAYS_HELD = 7;
const FIRST_LOAD_RETRY_MS = 5000;

export interface CatalogueDeparture {
  id: number;
  date: string;
  capacity: number;
  seatsSold: number;
  status: string;
}

export interface CatalogueComponent {
  kind: string;
  unit: string;
  unitCost: number;
  unitCapacity: number | null;
  nights: number;
}

export interface CatalogueItinerary extends ItineraryFacts {
  destinationName: string;
  themes: string[];
  active: boolean;
  /** Lowest price per traveller paid on its bookings of the last 365 days (null: none). */
  priceFrom: number | null;
  components: CatalogueComponent[];
  /** From the load's `departuresFrom` on (a week before today), by date. */
  departures: CatalogueDeparture[];
}

interface Held {
  loadedAt: number;
  /** The first day whose departures the load holds (YYYY-MM-DD): earlier ones are not here, not absent. */
  departuresFrom: string;
  itineraries: Map<number, CatalogueItinerary>;
  inactive: string[];
  /** Departure dates of each destination, sorted (for the competition feature). */
  destinationDates: Map<number, string[]>;
  features: DepartureFeatureTable;
}

/**
 * The catalogue in memory: itineraries with their level, length, components and departures (seats sold), and the
 * destination and departure price features as of the current hour. Loaded before the API reports ready and
 * refreshed in the background (and at each new hour), so what the catalogue knows about a quotation is never a
 * default because a cache was cold. A refresh that fails keeps what is held, and says so in the log.
 */
export class OnlineCatalogue {
  private held: Held | undefined;
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private closed = false;
  private loads = 0;

  constructor(
    private readonly sources: ServingSources,
    private readonly log: Logger,
    private readonly refreshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads once (a failure is logged, not thrown: /ready says "loading" and the refresh tries again) and starts refreshing. */
  async start(): Promise<void> {
    await this.refresh();
    if (this.refreshMs > 0) {
      this.timer = setInterval(() => void this.refresh(), this.refreshMs);
      this.timer.unref();
    }
  }

  get loaded(): boolean {
    return this.held !== undefined;
  }

  /**
   * Which load is held: a new number after every load, whether or not anything changed. What is derived from the
   * catalogue and remembered (recommendation cards with their seats left) is remembered under it.
   */
  get generation(): number {
    return this.loads;
  }

  /** Loads now; a refresh already under way is shared. */
  refresh(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<void> {
    const startedAt = this.now();
    const asOf = new Date(Math.floor(startedAt / HOUR_MS) * HOUR_MS);
    try {
      // The features are as of the hour's start, like every quote of that hour: computed again only when the hour changes.
      const sameHour = this.held?.features.asOf.getTime() === asOf.getTime() ? this.held.features : undefined;
      const departuresFrom = addDays(limaDayAt(startedAt), -PAST_DAYS_HELD);
      const [rows, features] = await Promise.all([this.sources.catalogue(departuresFrom), sameHour ?? this.sources.departureFeatures(asOf)]);
      this.held = { loadedAt: startedAt, departuresFrom, ...index(rows), features };
      this.loads++;
    } catch (err) {
      // Ctrl+C stops an embedded PostgreSQL at the same moment: a load it cuts short is part of stopping, not a fault.
      logConnectionLoss(this.log, 'catalogue could not be loaded; what is held stays in use', { error: (err as Error).message, loaded: this.loaded });
      // Nothing held yet: the API is not ready until it is, so it is tried again soon rather than at the next refresh.
      if (!this.held && this.refreshMs > 0) setTimeout(() => void this.refresh(), Math.min(this.refreshMs, FIRST_LOAD_RETRY_MS)).unref();
    }
  }

  itinerary(id: number): CatalogueItinerary | undefined {
    return this.held?.itineraries.get(id);
  }

  /**
   * Itineraries (ids as text) the catalogue holds as not active: never recommended nor offered as similar, as the
   * batch scoring leaves them out (pipelines/steps/train-recommender.ts).
   */
  inactiveItineraries(): readonly string[] {
    return this.held?.inactive ?? [];
  }

  itineraries(): CatalogueItinerary[] {
    return this.held ? [...this.held.itineraries.values()] : [];
  }

  /**
   * Today where the tours run (Lima's day) by this catalogue's clock: departures before it have left. Recommendations
   * and itinerary cards take it from here, so one clock decides, and a test can hold it still.
   */
  today(): string {
    return limaDayAt(this.now());
  }

  /**
   * Itineraries (ids as text) with a scheduled departure with free seats in [from, to] (YYYY-MM-DD), as the
   * warehouse's availableItineraries answers, with the seats sold of the last load: what recommendations filter on
   * when the warehouse does not answer in time, rather than on nothing. The catalogue holds departures from a week
   * ago on (for the competition feature), but one that has left (before Lima's today) has no seat to offer.
   */
  itinerariesWithSeats(from: string, to: string): string[] {
    const today = this.today();
    const start = from < today ? today : from;
    const ids: string[] = [];
    for (const it of this.held?.itineraries.values() ?? []) {
      if (it.departures.some((d) => d.date >= start && d.date <= to && d.status === 'scheduled' && d.seatsSold < d.capacity)) ids.push(String(it.itineraryId));
    }
    return ids;
  }

  /** The departure and destination features as of `asOf` (the start of a quote's hour), when that is the hour held. */
  featuresAsOf(asOf: Date): DepartureFeatureTable | undefined {
    const features = this.held?.features;
    if (features && features.asOf.getTime() === asOf.getTime()) return features;
    // A new hour: fetch its features for the next quotes; this one is answered without them.
    if (features && asOf.getTime() > features.asOf.getTime() && asOf.getTime() <= this.now()) void this.refresh();
    return undefined;
  }

  /**
   * Departures of any of the destination's itineraries dated from `from` to `to` (YYYY-MM-DD, inclusive); NaN —
   * not known here — when the window starts before the first day the catalogue holds, or nothing is held: a count
   * of only the days held would be a wrong number given as a fact (a past departure's competition of 0).
   */
  departuresOfDestinationBetween(destinationId: number, from: string, to: string): number {
    if (!this.held || from < this.held.departuresFrom) return NaN;
    const dates = this.held.destinationDates.get(destinationId) ?? [];
    return lowerBound(dates, to, true) - lowerBound(dates, from, false);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
  }
}

function index(rows: CatalogueRows): Pick<Held, 'itineraries' | 'inactive' | 'destinationDates'> {
  const itineraries = new Map<number, CatalogueItinerary>();
  for (const it of rows.itineraries) itineraries.set(it.itineraryId, { ...it, components: [], departures: [] });
  for (const c of rows.components) itineraries.get(c.itineraryId)?.components.push({ kind: c.kind, unit: c.unit, unitCost: c.unitCost, unitCapacity: c.unitCapacity, nights: c.nights });
  const destinationDates = new Map<number, string[]>();
  for (const d of rows.departures) {
    const it = itineraries.get(d.itineraryId);
    if (!it) continue;
    it.departures.push({ id: d.id, date: d.date, capacity: d.capacity, seatsSold: d.seatsSold, status: d.status });
    const dates = destinationDates.get(it.destinationId) ?? [];
    dates.push(d.date);
    destinationDates.set(it.destinationId, dates);
  }
  for (const it of itineraries.values()) it.departures.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.id - b.id));
  for (const dates of destinationDates.values()) dates.sort();
  const inactive = rows.itineraries.filter((it) => !it.active).map((it) => String(it.itineraryId));
  return { itineraries, inactive, destinationDates };
}

/** How many of the sorted dates are before `day` (or, with `inclusive`, not after it). */
function lowerBound(dates: readonly string[], day: string, inclusive: boolean): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid] < day || (inclusive && dates[mid] === day)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
