import type { KnownQuoteFacts } from '../../features/price-feature-definitions.ts';
import type { OnlineCatalogue } from '../online/catalogue.ts';
import type { ItineraryFacts, QuotationInput } from '../online/sources.ts';

/**
 * What the API knows of a quotation without asking the warehouse, for features/price-features-known.ts: the
 * request, the itinerary (from the catalogue in memory, or a lookup for one added since it was read) and — when
 * the catalogue holds the itinerary — its components, the departures around the date and the departure table of
 * the quote's hour (`asOf`).
 */
export function knownQuoteFacts(quotation: QuotationInput, asOf: Date, itinerary: ItineraryFacts | null, catalogue: OnlineCatalogue): KnownQuoteFacts {
  const held = catalogue.itinerary(quotation.itineraryId);
  return {
    departureDate: quotation.departureDate,
    partySize: quotation.partySize,
    quotedAt: quotation.quotedAt,
    cost: quotation.cost,
    customerId: quotation.customerId,
    itinerary: itinerary ? { ...itinerary, components: held?.components } : undefined,
    // NaN for a window reaching before the departures held (a past departure's): the warehouse counts it then.
    departuresOfDestinationBetween: held ? (destinationId, from, to) => catalogue.departuresOfDestinationBetween(destinationId, from, to) : undefined,
    departureFeatures: held ? catalogue.featuresAsOf(asOf) : undefined,
  };
}
