import { Type, type Static } from 'typebox';
import { CatalogueId, IsoDate, RecordId, ScoredFields } from './common.ts';
import { AppliedGuardrailsSchema } from './guardrails.ts';

/** POST /v1/prices/suggest: what the quotation engine sends to have a quotation priced, and what it gets back. */
export const MAX_BATCH = 500;
export const CHANNELS = ['web', 'agent', 'phone', 'email', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

/** One quotation to price: what the quotation engine knows when it asks. */
export const QuotationToPrice = Type.Object(
  {
    quotationRef: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Your reference for the quotation (its id), echoed back and logged' })),
    customerId: Type.Optional(RecordId('Customer the quotation is for; omit for a walk-in')),
    itineraryId: CatalogueId('Itinerary of the catalogue'),
    departureDate: IsoDate('Departure date'),
    partySize: Type.Integer({ minimum: 1, maximum: 200, description: 'Travellers in the party' }),
    cost: Type.Number({ exclusiveMinimum: 0, maximum: 100_000_000, description: 'Total cost of the quotation for the whole party, USD' }),
    listPrice: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 100_000_000, description: 'Catalogue price for this party, USD; the max-change guardrail holds the price near it' })),
    channel: Type.Optional(Type.Enum([...CHANNELS], { description: 'Sales channel' })),
    quotedAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the quote is made (default now); features are as of this moment' })),
    features: Type.Optional(
      Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' }), Type.Number(), {
        additionalProperties: false,
        maxProperties: 64,
        description: 'Feature values to use as given, e.g. to replay a logged suggestion (its `features`) or to ask "what if"; each must be a value its feature can take (a month 1–12, a party of 1–200…), else 400 naming it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type QuotationToPrice = Static<typeof QuotationToPrice>;

export const ReasonCodeSchema = Type.Object({
  feature: Type.String(),
  amount: Type.Number({ description: 'USD this feature adds to (or takes from) the price' }),
  text: Type.String({ description: 'e.g. "+USD 42: departure in July"' }),
});
export type ReasonCode = Static<typeof ReasonCodeSchema>;

export const PriceSuggestionSchema = Type.Object({
  quotationRef: Type.Union([Type.String(), Type.Null()]),
  price: Type.Number({ description: 'Suggested price for the whole party after guardrails, USD' }),
  lo80: Type.Number({ description: 'Lower end of the model’s 80% range' }),
  hi80: Type.Number({ description: 'Upper end of the model’s 80% range' }),
  currency: Type.String(),
  modelPrice: Type.Number({ description: 'The model’s price before guardrails' }),
  guardrail: Type.Union([Type.Enum(['floor', 'ceiling', 'max_change']), Type.Null()], { description: 'The guardrail that set the price, if any' }),
  guardrails: AppliedGuardrailsSchema,
  reasonCodes: Type.Array(ReasonCodeSchema),
  baseValue: Type.Number({ description: 'The model’s price for an average quotation of this cost' }),
  contributions: Type.Record(Type.String(), Type.Number(), { description: 'Every feature’s part of the model price, USD; baseValue + their sum = modelPrice' }),
  features: Type.Record(Type.String(), Type.Number(), {
    description: 'The feature values the price was computed from (the model’s input; `featureSnapshotId` is their content id). Send them back as the request’s `features` to replay the price',
  }),
  segment: Type.Union([Type.Object({ id: Type.Integer(), name: Type.Union([Type.String(), Type.Null()]), modelVersion: Type.String() }), Type.Null()]),
  ...ScoredFields,
  featureSource: Type.Union([Type.String(), Type.Null()], { description: 'Feature definitions, segmentation version and ingested data the values came from (null when the warehouse did not answer)' }),
  provisional: Type.Boolean({
    description:
      'True when some feature could not be had in time (listed in defaultedFeatures) and took a default: an estimate, not a price to quote or to record for review. Reasons never cite a defaulted value',
  }),
});
export type PriceSuggestion = Static<typeof PriceSuggestionSchema>;

export const SuggestPricesBody = Type.Object(
  {
    quotation: Type.Optional(QuotationToPrice),
    quotations: Type.Optional(Type.Array(QuotationToPrice, { minItems: 1, maxItems: MAX_BATCH })),
  },
  { additionalProperties: false },
);
export type SuggestPricesBody = Static<typeof SuggestPricesBody>;

export const SuggestedPrices = Type.Object({ suggestions: Type.Array(PriceSuggestionSchema) });
export type SuggestedPrices = Static<typeof SuggestedPrices>;
