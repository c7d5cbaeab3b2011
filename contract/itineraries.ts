import { Type, type Static } from 'typebox';
import { CatalogueId } from './common.ts';

/** Service levels of the catalogue; guardrail rules and catalogue filters are scoped by them. */
export const SERVICE_LEVELS = ['standard', 'superior', 'luxury'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

/** An itinerary as a sales agent offers it: the catalogue routes and every recommendation carry it. */
export const ItineraryCardFields = {
  itineraryId: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  destination: Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }),
  days: Type.Integer({ description: 'Length of the itinerary in days' }),
  serviceLevel: Type.String({ description: 'standard, superior or luxury' }),
  themes: Type.Array(Type.String()),
  active: Type.Boolean({ description: 'Still sold' }),
  priceFrom: Type.Union([Type.Number(), Type.Null()], { description: 'Lowest price per traveller paid on its bookings of the last 365 days, USD (null: none booked)' }),
  nextDepartures: Type.Array(
    Type.Object({ departureId: Type.Integer(), date: Type.String({ format: 'date' }), seatsLeft: Type.Integer(), capacity: Type.Integer() }),
    { description: 'The next scheduled departures with free seats (from the window’s start, or today), soonest first' },
  ),
};

export const ItineraryCardSchema = Type.Object(ItineraryCardFields);
export type ItineraryCard = Static<typeof ItineraryCardSchema>;

/** GET /v1/itineraries */
export const ItineraryListQuery = Type.Object(
  {
    destination: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$', description: 'Destination code, e.g. cusco' })),
    serviceLevel: Type.Optional(Type.Enum([...SERVICE_LEVELS], { description: 'Only this level' })),
    active: Type.Optional(Type.Boolean({ default: true, description: 'Only itineraries still sold (default true); false for all' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'Page size (default 100)' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);

export const ItineraryList = Type.Object({ total: Type.Integer(), items: Type.Array(ItineraryCardSchema) });
export type ItineraryList = Static<typeof ItineraryList>;

/** GET /v1/itineraries/:id */
export const ItineraryParams = Type.Object({ id: CatalogueId('Itinerary id') }, { additionalProperties: false });

export const ItineraryQuery = Type.Object(
  { departures: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 5, description: 'How many next departures (default 5)' })) },
  { additionalProperties: false },
);
