import { PRICE_FEATURES } from '../../features/price-feature-definitions.ts';
import type { ItineraryFacts, QuotationInput } from '../online/sources.ts';

const DAY_MS = 86_400_000;
const SERVICE_LEVEL_RANK: Record<string, number> = { standard: 0, superior: 1, luxury: 2 };
const FALLBACKS = new Map(PRICE_FEATURES.filter((f) => f.fallback !== undefined).map((f) => [f.name, f.fallback!]));

/**
 * What the request itself says about the quotation, for when the warehouse does not answer in time: the party,
 * the calendar of the departure and, when the itinerary is known, its length and level. They mirror the SQL
 * definitions in features/price-feature-sql.ts (a test checks they agree), so a timeout changes only the
 * features that need history.
 */
export function featuresFromRequest(quotation: QuotationInput, itinerary: ItineraryFacts | null): Record<string, number> {
  const departure = new Date(`${quotation.departureDate}T00:00:00Z`);
  const quoteDay = Date.UTC(quotation.quotedAt.getUTCFullYear(), quotation.quotedAt.getUTCMonth(), quotation.quotedAt.getUTCDate());
  const values: Record<string, number> = {
    group_size: quotation.partySize,
    lead_time_days: Math.round((departure.getTime() - quoteDay) / DAY_MS),
    departure_month: departure.getUTCMonth() + 1,
    // ClickHouse's toDayOfWeek: Monday 1 … Sunday 7.
    departure_weekday: ((departure.getUTCDay() + 6) % 7) + 1,
  };
  if (itinerary) {
    values.duration_days = itinerary.durationDays;
    values.service_level = SERVICE_LEVEL_RANK[itinerary.serviceLevel] ?? -1;
  }
  // A walk-in has no history by definition: the "new customer" segment is what the request says, not a guess.
  if (quotation.customerId === undefined) values.customer_segment = -1;
  return values;
}

export interface AssembledRow {
  values: Record<string, number>;
  /** Features whose value is a default, not a fact about this quotation: never given as a reason. */
  defaulted: string[];
  /** Of those, the ones no source had in time (a cold cache, a slow store): the price is provisional. */
  missing: string[];
}

/**
 * The model's feature row, by precedence: the caller's explicit values (a replay, or a manager's what-if), what the
 * request and the catalogue in memory know (never late), the warehouse's values, then — for a feature none of them
 * had — its stated fallback or the training median. A source's value that is its feature's fallback by definition
 * (e.g. season_score of a destination with too few bookings) is listed as defaulted; a feature no source had is
 * also listed as missing.
 */
export function assembleFeatureRow(
  featureNames: readonly string[],
  sources: {
    explicit?: Record<string, number>;
    known: Record<string, number>;
    knownDefaulted?: readonly string[];
    warehouse?: Record<string, number>;
    warehouseDefaulted?: readonly string[];
    medians?: Record<string, number>;
  },
): AssembledRow {
  const values: Record<string, number> = {};
  const defaulted = new Set<string>();
  const missing: string[] = [];
  for (const name of featureNames) {
    const explicit = sources.explicit?.[name];
    if (explicit !== undefined) {
      values[name] = explicit;
      continue;
    }
    const known = sources.known[name];
    if (known !== undefined && Number.isFinite(known)) {
      values[name] = known;
      if (sources.knownDefaulted?.includes(name)) defaulted.add(name);
      continue;
    }
    const stored = sources.warehouse?.[name];
    if (stored !== undefined && Number.isFinite(stored)) {
      values[name] = stored;
      if (sources.warehouseDefaulted?.includes(name)) defaulted.add(name);
      continue;
    }
    defaulted.add(name);
    missing.push(name);
    const median = sources.medians?.[name];
    values[name] = FALLBACKS.get(name) ?? (median !== undefined && Number.isFinite(median) ? median : 0);
  }
  return { values, defaulted: [...defaulted], missing };
}
