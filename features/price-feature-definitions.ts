/**
 * The price features (issue 3), defined once: the same SQL (price-feature-sql.ts) builds the training rows, as of
 * each quotation's time, and the features of a new quotation online. Every value is a finite number; a value that
 * could not be computed falls back to the stated default and is listed in `defaulted`.
 *
 * Bump the version whenever a definition changes: models record the version they were trained with, and serving
 * must compute the same thing.
 */
export const PRICE_FEATURES_VERSION = 'price-features-v1';

export interface PriceFeatureDefinition {
  name: string;
  description: string;
  /** Used when the value cannot be computed (listed in `defaulted`). */
  fallback?: number;
}

export const PRICE_FEATURES: readonly PriceFeatureDefinition[] = [
  { name: 'destination_popularity', description: 'bookings for the destination made in the 90 days before the quote' },
  {
    name: 'season_score',
    description:
      'how busy the departure month is for the destination: share of its bookings (made in the 730 days before the quote) departing in that calendar month, × 12 (1 = an average month)',
    fallback: 1,
  },
  { name: 'group_size', description: 'travellers in the party' },
  { name: 'lead_time_days', description: 'days from the quote to departure' },
  { name: 'duration_days', description: 'days of the itinerary' },
  { name: 'service_level', description: 'service level: 0 standard, 1 superior, 2 luxury' },
  { name: 'departure_weekday', description: 'day of the week of departure, 1 Monday … 7 Sunday' },
  { name: 'departure_month', description: 'calendar month of departure, 1–12' },
  {
    name: 'competition_index',
    description:
      'departures of any of our itineraries to the same destination within 7 days either side of this departure: the close substitutes a customer can choose from. We have no competitors’ prices, so this measures the choice on offer, from our own schedule',
  },
  {
    name: 'departure_load_factor',
    description: 'travellers already booked on this departure before the quote (cancellations known by then taken off) / its capacity',
    fallback: 0,
  },
  { name: 'cost_hotel_per_pax', description: 'hotel part of the quotation’s cost, per traveller', fallback: 0 },
  { name: 'cost_transport_per_pax', description: 'transport part of the cost, per traveller', fallback: 0 },
  { name: 'cost_guide_per_pax', description: 'guide part of the cost, per traveller', fallback: 0 },
  { name: 'cost_service_per_pax', description: 'services (entrances, meals…) part of the cost, per traveller', fallback: 0 },
  {
    name: 'customer_segment',
    description: 'the customer’s segment, assigned by the segmentation model from their history before the quote; −1 for a customer with no booking yet',
    fallback: -1,
  },
];

export const PRICE_FEATURE_NAMES: readonly string[] = PRICE_FEATURES.map((f) => f.name);

/** The component kinds of the catalogue, whose cost shares become the cost features. */
export const COST_KINDS = ['hotel', 'transport', 'guide', 'service'] as const;

/** Fewer bookings than this for a destination in the season window give season_score its fallback. */
export const MIN_SEASON_BOOKINGS = 24;
