import { PAX_PER_GUIDE } from '../../features/cost-basis.ts';
import { COST_KINDS } from '../../features/price-feature-definitions.ts';
import type { CatalogueItinerary, OnlineCatalogue } from '../online/catalogue.ts';
import type { QuotationInput } from '../online/sources.ts';

const DAY_MS = 86_400_000;

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** A component's cost for the party: features/cost-basis.ts's componentCostSql, in TypeScript. */
function componentCost(c: CatalogueItinerary['components'][number], pax: number): number {
  const units =
    c.unit === 'per_person' ? pax
    : c.unit === 'per_room' ? Math.ceil(pax / (c.unitCapacity ?? 2))
    : c.unit === 'per_vehicle' ? Math.ceil(pax / (c.unitCapacity ?? pax))
    : c.kind === 'guide' ? Math.ceil(pax / PAX_PER_GUIDE)
    : 1;
  return c.unitCost * units * Math.max(c.nights, 1);
}

export interface KnownFeatures {
  values: Record<string, number>;
  /** Of those values, the ones that are the feature's stated fallback by definition (not a fact to give as a reason). */
  defaulted: string[];
}

/**
 * The price features the catalogue in memory knows for a quotation, by the definitions of
 * features/price-feature-sql.ts: the cost split of the itinerary's components for the party, the departures to
 * the destination within a week, and — when the quote is made in the hour the catalogue's features are as of —
 * the destination's popularity and season and how full the departure is. None of them waits on a cache.
 */
export function featuresFromCatalogue(quotation: QuotationInput, asOf: Date, itinerary: CatalogueItinerary, catalogue: OnlineCatalogue): KnownFeatures {
  const values: Record<string, number> = {};
  const defaulted: string[] = [];
  const pax = quotation.partySize;

  const byKind: Record<string, number> = Object.fromEntries(COST_KINDS.map((k) => [k, 0]));
  let total = 0;
  for (const c of itinerary.components) {
    const amount = componentCost(c, pax);
    total += amount;
    if (c.kind in byKind) byKind[c.kind] += amount;
  }
  for (const kind of COST_KINDS) {
    values[`cost_${kind}_per_pax`] = ((total > 0 ? byKind[kind] / total : 0.25) * quotation.cost) / pax;
    if (!(total > 0)) defaulted.push(`cost_${kind}_per_pax`);
  }

  values.competition_index = catalogue.departuresOfDestinationBetween(itinerary.destinationId, addDays(quotation.departureDate, -7), addDays(quotation.departureDate, 7));

  const table = catalogue.featuresAsOf(asOf);
  if (table) {
    const departure = table.departures.get(`${itinerary.itineraryId}|${quotation.departureDate}`);
    const month = table.destinationMonths.get(`${itinerary.destinationId}|${Number(quotation.departureDate.slice(5, 7))}`);
    const source = departure ?? month;
    if (source) {
      values.destination_popularity = source.destination_popularity;
      values.season_score = source.season_score;
      if (source.defaulted.includes('season_score')) defaulted.push('season_score');
      // No departure on that date: nothing is booked on it, and the feature says so by its fallback.
      values.departure_load_factor = departure ? departure.departure_load_factor : 0;
      if (!departure || departure.defaulted.includes('departure_load_factor')) defaulted.push('departure_load_factor');
    }
  }
  return { values, defaulted };
}
