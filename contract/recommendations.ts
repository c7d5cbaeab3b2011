import { Type, type Static } from 'typebox';
import { CatalogueId, IsoDate, RecordId, ScoredFields } from './common.ts';
import { ItineraryCardFields } from './itineraries.ts';

/** GET /v1/customers/:id/recommendations and GET /v1/itineraries/:id/similar. */
export const RecommendationParams = Type.Object({ id: RecordId('Customer id') });

export const RecommendationQuery = Type.Object(
  {
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'How many (default 10)' })),
    from: Type.Optional(IsoDate('Start of the departure window (default today, Lima’s day); an earlier day is answered from today, and a window ending before today is refused')),
    to: Type.Optional(IsoDate('End of the departure window (default from + 180 days)')),
    budget: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, description: 'Budget per traveller, USD' })),
  },
  { additionalProperties: false },
);

export const RecommendedItinerarySchema = Type.Object({
  ...ItineraryCardFields,
  score: Type.Number(),
  explanation: Type.String({ description: 'e.g. "because you booked Sacred Valley 4D superior"' }),
  basedOn: Type.Union([Type.Integer(), Type.Null()], { description: 'The past itinerary the explanation refers to' }),
  nearDuplicateOf: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The itinerary already taken that this one is another length of (the same trip for another number of days); it keeps its rank, and the explanation says so',
  }),
});

export const RecommendationsSchema = Type.Object({
  customerId: Type.Integer(),
  window: Type.Object({ from: Type.String(), to: Type.String() }, { description: 'The window answered: from is never before today' }),
  personal: Type.Boolean({ description: 'False: the model has not seen the customer and answers from customers like them' }),
  items: Type.Array(RecommendedItinerarySchema),
  ...ScoredFields,
});
export type Recommendations = Static<typeof RecommendationsSchema>;

export const SimilarParams = Type.Object({ id: CatalogueId('Itinerary id') });

export const SimilarQuery = Type.Object({ k: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) }, { additionalProperties: false });

export const SimilarItinerarySchema = Type.Object({ ...ItineraryCardFields, similarity: Type.Number({ description: 'Cosine of the recommender’s itinerary factors' }) });

export const SimilarItineraries = Type.Object({
  itineraryId: Type.Integer(),
  items: Type.Array(SimilarItinerarySchema),
  ...ScoredFields,
});
export type SimilarItineraries = Static<typeof SimilarItineraries>;
