import { Type } from 'typebox';
import { ScoredFields } from '../http/schemas.ts';

/** An itinerary as a sales agent offers it (scoring/itinerary-cards.ts): the catalogue route and every recommendation carry it. */
const ItineraryCardFields = {
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

export const SimilarItinerarySchema = Type.Object({ ...ItineraryCardFields, similarity: Type.Number({ description: 'Cosine of the recommender’s itinerary factors' }) });

export const RecommendedItinerarySchema = Type.Object({
  ...ItineraryCardFields,
  score: Type.Number(),
  explanation: Type.String({ description: 'e.g. "because you booked Sacred Valley 4D superior"' }),
  basedOn: Type.Union([Type.Integer(), Type.Null()], { description: 'The past itinerary the explanation refers to' }),
  nearDuplicateOf: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The itinerary already taken that this one is another length of (same destination and theme); such items are ranked after all others',
  }),
});

export const RecommendationsSchema = Type.Object({
  customerId: Type.Integer(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  personal: Type.Boolean({ description: 'False: the model has not seen the customer and answers from customers like them' }),
  items: Type.Array(RecommendedItinerarySchema),
  ...ScoredFields,
});
