import { Type, type Static } from 'typebox';
import { RecordId, ScoredFields } from './common.ts';

/** GET /v1/customers/:id/segment: the customer's segment from their history now. */
export const SegmentParams = Type.Object({ id: RecordId('Customer id') });

export const SegmentAnswer = Type.Object({
  customerId: Type.Integer(),
  hasHistory: Type.Union([Type.Boolean(), Type.Null()], {
    description: 'False for a customer with no booking yet: no segment is assigned. Null when their history did not arrive in time (see defaultedFeatures): unknown, not none',
  }),
  segment: Type.Union([
    Type.Object({ id: Type.Integer(), name: Type.String(), description: Type.String(), share: Type.Number({ description: 'Share of customers in this segment at training' }) }),
    Type.Null(),
  ]),
  features: Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()]), { description: 'Segmentation features now; null = unknown (the model uses the training median); empty when withheld' }),
  withheld: Type.Optional(
    Type.Boolean({
      description: 'True for a customer erased or without consent to personalisation: no segment, no features, nothing of theirs read. Also for everyone while the API has not yet read who consents; defaultedFeatures then names personalisation_consent',
    }),
  ),
  ...ScoredFields,
});
export type SegmentAnswer = Static<typeof SegmentAnswer>;
