import { Type } from 'typebox';
import { ScoredFields } from '../http/schemas.ts';

export const RecommendedItinerarySchema = Type.Object({
  itineraryId: Type.Integer(),
  score: Type.Number(),
  explanation: Type.String({ description: 'e.g. "because you booked Sacred Valley 4D superior"' }),
  basedOn: Type.Union([Type.Integer(), Type.Null()], { description: 'The past itinerary the explanation refers to' }),
});

export const RecommendationsSchema = Type.Object({
  customerId: Type.Integer(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  personal: Type.Boolean({ description: 'False: the model has not seen the customer and answers from customers like them' }),
  items: Type.Array(RecommendedItinerarySchema),
  ...ScoredFields,
});
