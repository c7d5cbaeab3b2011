import { Type } from 'typebox';

// The shared pieces live in platform/http so hosted plugins (domain/) use the same ones; the API's routes keep
// importing them from here with the scored-answer schemas that are serving's own.
export { CatalogueId, errorResponses, ErrorBody, IsoDate, RecordId } from '../../platform/http/schemas.ts';

export const SCORED_ERRORS = [400, 401, 403, 429, 503];

/** Fields of every scored answer: which model answered, from which features, and which of them were defaults. */
export const ScoredFields = {
  modelVersion: Type.String({ description: 'Registry version that produced the answer, e.g. price-000007' }),
  featureSnapshotId: Type.String({ description: 'Content id of the feature values used; the scored-request log holds them for replay' }),
  defaultedFeatures: Type.Array(Type.String(), { description: 'Features that fell back to their default (store slow, down or without a value)' }),
};
