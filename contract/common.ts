import { Type, type Static, type TSchema } from 'typebox';

/** Schemas several areas share: the error body, ids, dates, and the fields every scored answer carries. */
export const ErrorBody = Type.Object(
  {
    code: Type.String({
      description:
        'Stable code for programs: invalid_input, invalid_json, body_too_large, unsupported_media_type, request_too_large, bad_request, unauthorized, forbidden, not_found, below_floor and below_cost (an override under the guardrail floor or list price band, or under cost, not confirmed), above_ceiling (an override above the guardrail ceiling, the list price band or the highest expected price, not confirmed), conflict codes of the review desk, rate_limited, model_unavailable, store_unavailable, internal',
    }),
    message: Type.String({ description: 'What went wrong and what to do, for people' }),
    field: Type.Optional(Type.String({ description: 'The request field at fault, e.g. quotations[3].cost' })),
  },
  { $id: 'ErrorBody' },
);

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'A field is missing or wrong; `field` names it',
  401: 'No credential, or an unknown, revoked or expired one',
  403: 'The credential’s role may not call this route',
  404: 'The thing asked about does not exist',
  429: 'Rate limit of this credential reached',
  503: 'The model family has no model being served (or a store is down)',
};

/** Error responses for a route's schema, so the docs list them. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(statuses.map((s) => [s, Type.Object(ErrorBody.properties, { description: ERROR_DESCRIPTIONS[s] })]));
}

export const SCORED_ERRORS = [400, 401, 403, 429, 503];

export type ErrorBody = Static<typeof ErrorBody>;

export const IsoDate = (description: string) => Type.String({ format: 'date', description: `${description} (YYYY-MM-DD)` });

/**
 * Ids are bounded by the column they name, so an id out of range is a 400 naming the field, never an error of
 * PostgreSQL's. Catalogue ids (destinations, itineraries, departures, components) are `integer` columns.
 */
export const CatalogueId = (description: string) => Type.Integer({ minimum: 1, maximum: 2_147_483_647, description });

/** Record ids (customers, quotations, bookings, suggestions, locks, bands, keys) are `bigint`, within JavaScript's exact integers. */
export const RecordId = (description: string) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description });

/** Fields of every scored answer: which model answered, from which features, and which of them were defaults. */
export const ScoredFields = {
  modelVersion: Type.String({ description: 'Registry version that produced the answer, e.g. price-000007' }),
  featureSnapshotId: Type.String({ description: 'Content id of the feature values used; the scored-request log holds them for replay' }),
  defaultedFeatures: Type.Array(Type.String(), { description: 'Features that fell back to their default (store slow, down or without a value)' }),
};

/** A field that may be null, with the description on the union (where the docs show it). */
export const Nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
