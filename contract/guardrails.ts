import { Type, type Static } from 'typebox';
import { CatalogueId, Nullable } from './common.ts';
import { SERVICE_LEVELS } from './itineraries.ts';

/** Schemas of the guardrail routes (the rules in force, one change, the history) and of the rule a price was held to. */

const Scope = {
  destinationId: Nullable(CatalogueId('Destination'), 'Destination the rule is for; null = every destination'),
  serviceLevel: Nullable(Type.Enum([...SERVICE_LEVELS]), 'Service level the rule is for; null = every level'),
};

const Limits = {
  minMargin: Type.Number({ exclusiveMinimum: -1, maximum: 10, description: 'Least margin over cost: 0.1 = price at least cost x 1.1 (the floor, which always wins)' }),
  maxMargin: Type.Optional(Nullable(Type.Number({ exclusiveMinimum: -1, maximum: 100 }), 'Largest margin over cost: 1.5 = price at most cost x 2.5; null = none')),
  maxPricePerPax: Type.Optional(Nullable(Type.Number({ minimum: 0.01, maximum: 10_000_000 }), 'Largest price per traveller, USD in whole cents; null = none')),
  maxChangeVsList: Type.Optional(Nullable(Type.Number({ minimum: 0, maximum: 10 }), 'Largest move away from the list price: 0.2 = within ±20%; null = none')),
};

const Reason = Type.String({ minLength: 1, maxLength: 1000, description: 'Why, for whoever reads the history' });

export const GuardrailChangeBody = Type.Object({ ...Scope, ...Limits, reason: Reason }, { additionalProperties: false });

export type GuardrailChange = Static<typeof GuardrailChangeBody>;

export const GuardrailRemovalBody = Type.Object({ ...Scope, reason: Reason }, { additionalProperties: false });
export type GuardrailRemoval = Static<typeof GuardrailRemovalBody>;

export const GuardrailRecordSchema = Type.Object({
  id: Type.Integer({ description: 'This revision; also the rule set’s version when it was written' }),
  destinationId: Nullable(Type.Integer()),
  destinationCode: Nullable(Type.String()),
  serviceLevel: Nullable(Type.String()),
  revision: Type.Integer({ description: '1, 2, 3… per scope' }),
  active: Type.Boolean({ description: 'false: the scope’s own rule was removed and the broader one applies' }),
  minMargin: Nullable(Type.Number()),
  maxMargin: Nullable(Type.Number()),
  maxPricePerPax: Nullable(Type.Number()),
  maxChangeVsList: Nullable(Type.Number()),
  reason: Type.String(),
  changedBy: Type.String(),
  changedAt: Type.String({ format: 'date-time' }),
});
export type GuardrailRecord = Static<typeof GuardrailRecordSchema>;

export const GuardrailSetSchema = Type.Object({
  version: Type.Integer({ description: 'Version of the rule set; price suggestions carry the version they were held to' }),
  rules: Type.Array(GuardrailRecordSchema, { description: 'One rule per scope; the most specific applies: destination and level, destination, level, default' }),
});

export const GuardrailSetQuery = Type.Object(
  { version: Type.Optional(Type.Integer({ minimum: 1, maximum: 9_007_199_254_740_991, description: 'The set as it was at this version (default: now)' })) },
  { additionalProperties: false },
);

export const GuardrailHistoryQuery = Type.Object(
  {
    destinationId: Type.Optional(CatalogueId('Only this destination’s scope (with serviceLevel: that pair)')),
    serviceLevel: Type.Optional(Type.Enum([...SERVICE_LEVELS], { description: 'Only this level’s scope (with destinationId: that pair)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'Newest first; default 200' })),
  },
  { additionalProperties: false },
);

/** What a price answer says of the rule it was held to. */
export const AppliedGuardrailsSchema = Type.Object({
  version: Type.Integer({ description: 'Rule set version (GET /v1/guardrails?version=)' }),
  ruleId: Type.Integer(),
  destinationId: Nullable(Type.Integer(), 'The rule’s scope; null = every destination'),
  serviceLevel: Nullable(Type.String(), 'The rule’s scope; null = every level'),
  minMargin: Type.Number(),
  maxMargin: Nullable(Type.Number()),
  maxPricePerPax: Nullable(Type.Number()),
  maxChangeVsList: Nullable(Type.Number()),
  floor: Type.Number({ description: 'Least price for this quotation, USD: cost x (1 + minMargin)' }),
  ceiling: Nullable(Type.Number(), 'Largest price for this quotation, USD (the lower of the margin and per-traveller ceilings)'),
  listBand: Nullable(Type.Object({ lo: Type.Number(), hi: Type.Number() }), 'Prices allowed around the list price, when the quotation gave one'),
});
export type AppliedGuardrails = Static<typeof AppliedGuardrailsSchema>;
