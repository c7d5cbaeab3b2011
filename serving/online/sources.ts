import type { DepartureFeatureTable } from '../../features/departure-features-online.ts';
import type { SegmentAssigner } from '../../features/customer-segment.ts';

/**
 * What the routes read from the warehouse at request time, as one interface, so each route names what it needs
 * and tests or other deployments can supply another implementation. The ClickHouse implementation is in
 * warehouse-sources.ts; the price and customer features themselves come from features/ (one definition for
 * training and serving), not from SQL written here.
 */

/** A quotation as the caller describes it when asking for a price. */
export interface QuotationInput {
  itineraryId: number;
  /** YYYY-MM-DD */
  departureDate: string;
  partySize: number;
  /** Total cost of the quotation (all components for the whole party), in the price currency. */
  cost: number;
  customerId?: number;
  listPrice?: number;
  channel?: string;
  quotedAt: Date;
}

export interface ItineraryFacts {
  itineraryId: number;
  code: string;
  name: string;
  destinationId: number;
  destinationCode: string;
  serviceLevel: string;
  durationDays: number;
}

/** The catalogue as the API holds it in memory (online/catalogue.ts): itineraries, their components and departures. */
export interface CatalogueRows {
  itineraries: Array<ItineraryFacts & { destinationName: string; themes: string[]; active: boolean; priceFrom: number | null }>;
  components: Array<{ itineraryId: number; kind: string; unit: string; unitCost: number; unitCapacity: number | null; nights: number }>;
  /** Every departure dated `departuresFrom` or later, whatever its status (the competition feature counts them all). */
  departures: Array<{ id: number; itineraryId: number; date: string; capacity: number; seatsSold: number; status: string }>;
}

/** A customer's segmentation features now (NaN = unknown) and whether they have any booking history. */
export interface CustomerFeatures {
  values: Record<string, number>;
  hasHistory: boolean;
}

/** One quotation's price features from features/price-features-online.ts. */
export interface QuoteFeatures {
  values: Record<string, number>;
  defaulted: string[];
  /** Which definitions, segmentation version and ingested data gave the values. */
  snapshotId: string;
}

export interface DemandWindow {
  departures: number;
  capacity: number;
  /** Travellers on bookings not cancelled, for departures in the window, booked by `asOf`. */
  bookedTravellers: number;
  /**
   * The same window 1, 2 and 3 years earlier (`yearsBack`), most recent first: travellers it had by the same date
   * that many years before `asOf` (Lima's day), and in the end. The pace compares with the most recent one that had
   * sold by that date.
   */
  earlierYears: Array<{ yearsBack: number; bookedBySameDate: number; final: number }>;
}

export interface DestinationSummary {
  code: string;
  name: string;
  country: string;
  bookings: number;
  travellers: number;
  revenue: number;
  cancelled: number;
}

export interface ServingSources {
  /**
   * The price features of one quotation as of its quote time, with the customer's segment from the segmentation
   * version the price model was trained with.
   */
  priceFeatures(quotation: QuotationInput, segmentation: SegmentAssigner | null): Promise<QuoteFeatures>;
  /** Median of each named price feature over the training rows: the last-resort default of a feature. */
  priceFeatureMedians(names: readonly string[]): Promise<Record<string, number>>;
  /** A customer's segmentation features as of `at` (default now), or null when the warehouse does not know the customer. */
  customerFeatures(customerId: number, at?: Date): Promise<CustomerFeatures | null>;
  /** A customer's home market (country code), or null when the warehouse does not know the customer. */
  customerCountry(customerId: number): Promise<string | null>;
  itinerary(itineraryId: number): Promise<ItineraryFacts | null>;
  /**
   * The whole catalogue, loaded into memory at start and refreshed: facts a price never waits for. Departures only
   * from `departuresFrom` (YYYY-MM-DD) on: the past schedule is the warehouse's to count.
   */
  catalogue(departuresFrom: string): Promise<CatalogueRows>;
  /** Destination and departure price features as of one moment (features/departure-features-online.ts). */
  departureFeatures(asOf: Date): Promise<DepartureFeatureTable>;
  /** Itineraries (ids as text) with a scheduled departure with free seats in [from, to] that has not left (from Lima's today on). */
  availableItineraries(from: string, to: string): Promise<string[]>;
  /** Itineraries (ids as text) the customer booked and did not cancel, whatever their departure date. */
  bookedItineraries(customerId: number): Promise<string[]>;
  demandWindow(destinationCode: string, from: string, to: string, asOf: Date): Promise<DemandWindow | null>;
  destinations(from: string, to: string): Promise<DestinationSummary[]>;
}
