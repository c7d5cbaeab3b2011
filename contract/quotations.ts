import { Type, type Static } from 'typebox';
import { DemandOutlookSchema } from './demand.ts';
import { PriceSuggestionSchema, QuotationToPrice } from './prices.ts';
import { RecommendationsSchema } from './recommendations.ts';

/** POST /v1/quotations/score: the price, demand around the departure and alternatives for one quotation in one call. */
export const ScoreQuotationBody = Type.Object(
  {
    quotation: QuotationToPrice,
    alternatives: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 3, description: 'Alternative itineraries to suggest (needs customerId; default 3)' })),
  },
  { additionalProperties: false },
);
export type ScoreQuotationBody = Static<typeof ScoreQuotationBody>;

export const QuotationScoreSchema = Type.Object({
  price: PriceSuggestionSchema,
  demand: Type.Union([DemandOutlookSchema, Type.Null()]),
  alternatives: Type.Union([RecommendationsSchema, Type.Null()]),
  unavailable: Type.Array(Type.Object({ family: Type.String(), message: Type.String() })),
});
export type ScoredQuotation = Static<typeof QuotationScoreSchema>;
