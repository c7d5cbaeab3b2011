import { componentCost, type CostedComponent } from './cost-basis.ts';
import type { DepartureFeatureTable } from './departure-features-online.ts';
import { SERVICE_LEVELS } from './known-facts.ts';

/**
 * The price features (issue 3), each defined once: what it describes, its SQL (price-feature-sql.ts assembles the
 * training rows, as of each quotation's time, and the features of a new quotation from these expressions), its
 * fallback and how long an online value may be served. A feature serving can know without the warehouse (from the
 * request, or the catalogue and departure table it holds in memory) also says how, next to its SQL, and
 * `price-features-online.test.ts` checks the two give the same value for the same quotations. Every value is a
 * finite number; a value that could not be computed falls back to the stated default and is listed in `defaulted`.
 *
 * Bump a feature's version, and PRICE_FEATURES_VERSION with it, whenever its definition changes: models record
 * the set's version they were trained with, and serving must compute the same thing.
 */
export const PRICE_FEATURES_VERSION = 'price-features-v1';

/** What a feature describes, and so what an online value of it is keyed by. */
export type PriceFeatureEntity = 'quotation' | 'itinerary' | 'departure' | 'destination' | 'customer';

/** What serving knows of a quotation without asking the warehouse. Absent parts are not known in time. */
export interface KnownQuoteFacts {
  /** YYYY-MM-DD */
  departureDate: string;
  partySize: number;
  quotedAt: Date;
  /** The quotation's total cost. */
  cost: number;
  /** Undefined for a walk-in. */
  customerId?: number;
  itinerary?: { itineraryId: number; destinationId: number; durationDays: number; serviceLevel: string; components?: readonly CostedComponent[] };
  /** Departures of any of the destination's itineraries dated from `from` to `to` (YYYY-MM-DD, inclusive). */
  departuresOfDestinationBetween?: (destinationId: number, from: string, to: string) => number;
  /** Destination and departure features as of the start of the quote's hour (departure-features-online.ts). */
  departureFeatures?: DepartureFeatureTable;
}

/** A value known online; `defaulted` when it is the definition's stand-in, not a fact about this quotation. */
export interface KnownValue {
  value: number;
  defaulted?: boolean;
}

export interface PriceFeatureDefinition {
  name: string;
  entity: PriceFeatureEntity;
  /** Of this feature's definition; the set's version is PRICE_FEATURES_VERSION. */
  version: number;
  description: string;
  /**
   * The value, as a ClickHouse expression over what price-feature-sql.ts joins for each quotation: `q` (the
   * quotation and its itinerary's facts), the running totals `pn pt st mn mt dh dl lb lc`, `cap` and `cs`, and the
   * row's own `cost`. Absent for a feature given by a model rather than by the warehouse (customer_segment).
   */
  sql?: string;
  /** SQL condition under which the value is a stand-in (listed in `defaulted`). */
  defaultedWhen?: string;
  /** Used when the value cannot be computed (listed in `defaulted`). */
  fallback?: number;
  /** The values the feature can take; a value given by a caller (a what-if) outside them is refused. */
  range: FeatureRange;
  /** How long an online value may be served once computed: 0 for a value read off the request itself. */
  ttlMs: number;
  /** The same value from what serving knows in memory; undefined when those facts are not at hand. */
  online?: (facts: KnownQuoteFacts) => KnownValue | undefined;
}

export interface FeatureRange {
  min: number;
  /** No upper bound when absent. */
  max?: number;
  /** Counts, codes and days: whole numbers only. */
  whole: boolean;
}

/** Why a value cannot be this feature's (a month 13, a party of 1e308), or undefined when it can. */
export function outsideRange(feature: Pick<PriceFeatureDefinition, 'range'>, value: number): string | undefined {
  const { min, max, whole } = feature.range;
  if (Number.isFinite(value) && value >= min && (max === undefined || value <= max) && (!whole || Number.isInteger(value))) return undefined;
  const kind = whole ? 'a whole number' : 'a number';
  return `must be ${kind} ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}, got ${value}`;
}

/** Fewer bookings than this for a destination in the season window give season_score its fallback. */
export const MIN_SEASON_BOOKINGS = 24;

/** The component kinds of the catalogue, whose cost shares become the cost features. */
export const COST_KINDS = ['hotel', 'transport', 'guide', 'service'] as const;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** A price lookup from the warehouse is kept this long (serving/online/feature-cache.ts takes it from here). */
const LOOKUP_TTL_MS = 15 * 60_000;

const seasonBookings = '(ifNull(pn.cum, 0) - ifNull(st.cum, 0))';
const seasonMonth = '(ifNull(mn.cum, 0) - ifNull(mt.cum, 0))';
const noComponents = 'ifNull(cs.total, 0) <= 0';

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function departureDay(facts: KnownQuoteFacts): Date {
  return new Date(`${facts.departureDate}T00:00:00Z`);
}

/** The departure's row of the departure table, else its destination's row for that month (no departure that day). */
function departureRow(facts: KnownQuoteFacts) {
  const table = facts.departureFeatures;
  if (!table || !facts.itinerary) return undefined;
  const departure = table.departures.get(`${facts.itinerary.itineraryId}|${facts.departureDate}`);
  const month = table.destinationMonths.get(`${facts.itinerary.destinationId}|${Number(facts.departureDate.slice(5, 7))}`);
  return { departure, either: departure ?? month };
}

/** Each kind's share of the components priced for the party (equal shares without components) × cost / party. */
function costPerPax(kind: (typeof COST_KINDS)[number]): PriceFeatureDefinition {
  return {
    name: `cost_${kind}_per_pax`,
    entity: 'quotation',
    version: 1,
    range: { min: 0, whole: false },
    description: `${kind} part of the quotation's cost, per traveller: the kind's share of the itinerary's components priced for the party`,
    sql: `if(ifNull(cs.total, 0) > 0, cs.${kind} / cs.total, 0.25) * cost / q.party_size`,
    defaultedWhen: noComponents,
    fallback: 0,
    ttlMs: 0,
    online: (facts) => {
      const components = facts.itinerary?.components;
      if (!components) return undefined;
      let total = 0;
      let ofKind = 0;
      for (const c of components) {
        const amount = componentCost(c, facts.partySize);
        total += amount;
        if (c.kind === kind) ofKind += amount;
      }
      return { value: ((total > 0 ? ofKind / total : 0.25) * facts.cost) / facts.partySize, defaulted: !(total > 0) };
    },
  };
}

export const PRICE_FEATURES: readonly PriceFeatureDefinition[] = [
  {
    name: 'destination_popularity',
    entity: 'destination',
    version: 1,
    range: { min: 0, whole: true },
    description: 'bookings for the destination made in the 90 days before the quote',
    sql: 'ifNull(pn.cum, 0) - ifNull(pt.cum, 0)',
    ttlMs: HOUR_MS,
    online: (facts) => {
      const row = departureRow(facts)?.either;
      return row && { value: row.destination_popularity };
    },
  },
  {
    name: 'season_score',
    entity: 'destination',
    version: 1,
    range: { min: 0, max: 12, whole: false },
    description:
      'how busy the departure month is for the destination: share of its bookings (made in the 730 days before the quote) departing in that calendar month, × 12 (1 = an average month)',
    sql: `if(${seasonBookings} >= ${MIN_SEASON_BOOKINGS}, 12 * ${seasonMonth} / ${seasonBookings}, 1)`,
    defaultedWhen: `${seasonBookings} < ${MIN_SEASON_BOOKINGS}`,
    fallback: 1,
    ttlMs: HOUR_MS,
    online: (facts) => {
      const row = departureRow(facts)?.either;
      return row && { value: row.season_score, defaulted: row.defaulted.includes('season_score') };
    },
  },
  {
    name: 'group_size',
    entity: 'quotation',
    version: 1,
    range: { min: 1, max: 200, whole: true },
    description: 'travellers in the party',
    sql: 'toFloat64(q.party_size)',
    ttlMs: 0,
    online: (facts) => ({ value: facts.partySize }),
  },
  {
    name: 'lead_time_days',
    entity: 'quotation',
    version: 1,
    range: { min: 0, whole: true },
    description: 'days from the quote to departure',
    sql: "toFloat64(dateDiff('day', toDate(q.quoted_at), q.departure_date))",
    ttlMs: 0,
    online: (facts) => {
      const quoteDay = Date.UTC(facts.quotedAt.getUTCFullYear(), facts.quotedAt.getUTCMonth(), facts.quotedAt.getUTCDate());
      return { value: Math.round((departureDay(facts).getTime() - quoteDay) / DAY_MS) };
    },
  },
  {
    name: 'duration_days',
    entity: 'itinerary',
    version: 1,
    range: { min: 1, whole: true },
    description: 'days of the itinerary',
    sql: 'toFloat64(q.duration_days)',
    ttlMs: HOUR_MS,
    online: (facts) => facts.itinerary && { value: facts.itinerary.durationDays },
  },
  {
    name: 'service_level',
    entity: 'itinerary',
    version: 1,
    range: { min: 0, max: 2, whole: true },
    description: 'service level: 0 standard, 1 superior, 2 luxury',
    sql: 'toFloat64(q.service_level_rank)',
    ttlMs: HOUR_MS,
    online: (facts) => facts.itinerary && { value: SERVICE_LEVELS.indexOf(facts.itinerary.serviceLevel as (typeof SERVICE_LEVELS)[number]) },
  },
  {
    name: 'departure_weekday',
    entity: 'quotation',
    version: 1,
    range: { min: 1, max: 7, whole: true },
    description: 'day of the week of departure, 1 Monday … 7 Sunday',
    sql: 'toFloat64(q.departure_weekday)',
    ttlMs: 0,
    // ClickHouse's toDayOfWeek: Monday 1 … Sunday 7.
    online: (facts) => ({ value: ((departureDay(facts).getUTCDay() + 6) % 7) + 1 }),
  },
  {
    name: 'departure_month',
    entity: 'quotation',
    version: 1,
    range: { min: 1, max: 12, whole: true },
    description: 'calendar month of departure, 1–12',
    sql: 'toFloat64(q.departure_month)',
    ttlMs: 0,
    online: (facts) => ({ value: departureDay(facts).getUTCMonth() + 1 }),
  },
  {
    name: 'competition_index',
    entity: 'departure',
    version: 1,
    range: { min: 0, whole: true },
    description:
      'departures of any of our itineraries to the same destination within 7 days either side of this departure: the close substitutes a customer can choose from. We have no competitors’ prices, so this measures the choice on offer, from our own schedule',
    sql: 'ifNull(dh.cum, 0) - ifNull(dl.cum, 0)',
    ttlMs: HOUR_MS,
    online: (facts) =>
      facts.itinerary && facts.departuresOfDestinationBetween
        ? { value: facts.departuresOfDestinationBetween(facts.itinerary.destinationId, addDays(facts.departureDate, -7), addDays(facts.departureDate, 7)) }
        : undefined,
  },
  {
    name: 'departure_load_factor',
    entity: 'departure',
    version: 1,
    range: { min: 0, whole: false },
    description: 'travellers already booked on this departure before the quote (cancellations known by then taken off) / its capacity',
    sql: 'if(ifNull(cap.capacity, 0) > 0, (ifNull(lb.cum, 0) - ifNull(lc.cum, 0)) / cap.capacity, 0)',
    defaultedWhen: 'ifNull(cap.capacity, 0) <= 0',
    fallback: 0,
    ttlMs: HOUR_MS,
    online: (facts) => {
      const row = departureRow(facts);
      if (!row?.either) return undefined;
      // No departure on that date: nothing is booked on it, and the feature says so by its fallback.
      return row.departure ? { value: row.departure.departure_load_factor, defaulted: row.departure.defaulted.includes('departure_load_factor') } : { value: 0, defaulted: true };
    },
  },
  ...COST_KINDS.map(costPerPax),
  {
    name: 'customer_segment',
    entity: 'customer',
    version: 1,
    range: { min: -1, whole: true },
    description: 'the customer’s segment, assigned by the segmentation model from their history before the quote; −1 for a customer with no booking yet',
    fallback: -1,
    ttlMs: LOOKUP_TTL_MS,
    // A walk-in has no history by definition: the "new customer" segment is what the request says, not a guess.
    online: (facts) => (facts.customerId === undefined ? { value: -1, defaulted: true } : undefined),
  },
];

export const PRICE_FEATURE_NAMES: readonly string[] = PRICE_FEATURES.map((f) => f.name);

/** How long serving keeps a price lookup from the warehouse: the shortest time-to-live of the features it brings. */
export const PRICE_LOOKUP_TTL_MS = Math.min(...PRICE_FEATURES.filter((f) => f.ttlMs > 0).map((f) => f.ttlMs));
