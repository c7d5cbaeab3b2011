import { Type, type TSchema } from 'typebox';
import { CatalogueId, IsoDate, RecordId } from '../../contract/common.ts';
import { SERVICE_LEVELS } from '../../contract/itineraries.ts';
import { AppliedGuardrailsSchema } from '../../contract/guardrails.ts';

/** Schemas of the review desk's routes: the queue, a suggestion, decisions, locks and auto-accept bands. */
const Money = (description: string) => Type.Number({ description: `${description}, in the quotation's currency` });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableString = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});

export const SuggestionStates = ['pending', 'auto_accepted', 'accepted', 'overridden', 'rejected', 'superseded'] as const;

export const QueueQuery = Type.Object(
  {
    state: Type.Optional(Type.Enum([...SuggestionStates], { description: 'Which suggestions (default pending: the work to do)' })),
    destination: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,60}$', description: 'Destination code, e.g. cusco' })),
    departureFrom: Type.Optional(IsoDate('Earliest departure')),
    departureTo: Type.Optional(IsoDate('Latest departure')),
    minChangePct: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'Smallest absolute change vs the current price, in percent' })),
    maxChangePct: Type.Optional(Type.Number({ minimum: 0, maximum: 1000, description: 'Largest absolute change vs the current price, in percent' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'Page size (default 50)' })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Rows to skip' })),
  },
  { additionalProperties: false },
);

const Named = Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() });

const QueueItemFields = {
  id: Type.Integer(),
  quotationId: Type.Integer(),
  state: Type.Enum([...SuggestionStates]),
  itinerary: Named,
  destination: Named,
  serviceLevel: Type.String(),
  departureDate: Type.String({ format: 'date' }),
  partySize: Type.Integer(),
  currency: Type.String(),
  costTotal: Money('Our cost for the party'),
  currentPrice: Money('Price the quotation carries now'),
  suggestedPrice: Money('Price the model suggests, after guardrails'),
  difference: Money('Suggested minus current'),
  changePct: Type.Number({ description: 'Difference as a percentage of the current price' }),
  lo80: Money('Lower end of the model’s 80% range'),
  hi80: Money('Upper end of the model’s 80% range'),
  loadFactor: Nullable(Type.Number({ description: 'Expected load factor of the departure (1 = full)' })),
  pace: Nullable(Type.Number({ description: 'Bookings vs last year at the same lead time (1 = same pace)' })),
  guardrail: NullableString('Guardrail that set the suggested price: floor, ceiling or max_change'),
  modelVersion: Type.String(),
  locked: Type.Boolean({ description: 'A price lock holds this quotation: it cannot be accepted or overridden' }),
  createdAt: Type.String({ format: 'date-time' }),
};

export const QueueItem = Type.Object(QueueItemFields);
export const QueuePage = Type.Object({ total: Type.Integer(), items: Type.Array(QueueItem) });

export const DecisionSchema = Type.Object({
  id: Type.Integer(),
  suggestionId: Type.Integer(),
  action: Type.Enum(['auto_accept', 'accept', 'override', 'reject']),
  decidedPrice: Money('Price the quotation carries after the decision'),
  reason: NullableString(),
  decidedBy: Type.String(),
  decidedByRole: Type.String(),
  autoAcceptBandId: Nullable(Type.Integer()),
  resultingVersion: Nullable(Type.Integer({ description: 'Quotation version the decision created (none for a rejection)' })),
  quotationId: Type.Integer(),
  suggestedPrice: Type.Number(),
  currentPrice: Type.Number(),
  modelVersion: Type.String(),
  decidedAt: Type.String({ format: 'date-time' }),
  belowGuardrail: Type.Union([Type.Enum(['cost', 'floor', 'list_band']), Type.Null()], {
    description: 'An override the manager confirmed under cost, the guardrail floor or the list price band’s low end; null otherwise',
  }),
  aboveGuardrail: Type.Union([Type.Enum(['ceiling', 'list_band', 'highest_expected']), Type.Null()], {
    description: 'An override the manager confirmed above the guardrail ceiling, the list price band’s high end, or only the highest expected price; null otherwise',
  }),
});

export const LockSchema = Type.Object({
  id: Type.Integer(),
  quotationId: Nullable(Type.Integer()),
  departureId: Nullable(Type.Integer()),
  reason: Type.String(),
  lockedBy: Type.String(),
  lockedAt: Type.String({ format: 'date-time' }),
  releasedBy: NullableString(),
  releasedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

export const SuggestionDetailSchema = Type.Object({
  ...QueueItemFields,
  quotationVersion: Type.Integer(),
  reasonCodes: Type.Array(Type.Object({ feature: Type.String(), amount: Type.Number(), text: Type.String() })),
  contributions: Type.Record(Type.String(), Type.Number()),
  baseValue: Nullable(Type.Number()),
  unclampedPrice: Nullable(Type.Number({ description: 'The model’s price before the guardrail moved it' })),
  guardrails: Nullable(AppliedGuardrailsSchema),
  lowestRulePrice: Nullable(Money('The lowest price the guardrail rule sets (its floor, or the list price band’s low end held under its ceiling): under it an override is refused (400 below_floor) until confirmed with confirmBelowFloor')),
  highestExpectedPrice: Money('Above this an override is refused (400 above_ceiling) until confirmed with confirmAboveCeiling: the lowest of the guardrail ceiling, the list price band’s high end and 1.5 times the suggested or current price'),
  segment: NullableString(),
  featureSnapshotId: NullableString(),
  features: Type.Record(Type.String(), Type.Number()),
  defaultedFeatures: Type.Array(Type.String()),
  lock: Type.Union([LockSchema, Type.Null()]),
  decision: Type.Union([DecisionSchema, Type.Null()]),
});

export const DecisionBody = Type.Object(
  {
    action: Type.Enum(['accept', 'override', 'reject'], { description: 'accept the suggested price, override it with yours, or reject it (keep the current price)' }),
    price: Type.Optional(Type.Number({ description: 'The price to charge (override only), whole party, at most two decimals (more is refused, never rounded)' })),
    reason: Type.Optional(Type.String({ maxLength: 1000, description: 'Why (required to override or reject); kept with the decision' })),
    confirmBelowFloor: Type.Optional(
      Type.Boolean({ description: 'Override only: confirms a price under cost, the guardrail floor or the list price band’s low end, which is otherwise refused (400 below_cost / below_floor)' }),
    ),
    confirmAboveCeiling: Type.Optional(
      Type.Boolean({ description: 'Override only: confirms a price above highestExpectedPrice (the guardrail ceiling, the list price band’s high end, or 1.5 times the suggested or current price), which is otherwise refused (400 above_ceiling)' }),
    ),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: RecordId('Id') }, { additionalProperties: false });

export const DecisionsQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Decided at or after' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Decided before' })),
    decidedBy: Type.Optional(Type.String({ maxLength: 300 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export const LockBody = Type.Object(
  {
    quotationId: Type.Optional(RecordId('Quotation whose price to lock')),
    departureId: Type.Optional(CatalogueId('Departure whose quotations’ prices to lock')),
    reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why the price is locked' }),
  },
  { additionalProperties: false },
);

export const BandSchema = Type.Object({
  id: Type.Integer(),
  destinationId: Nullable(Type.Integer()),
  serviceLevel: NullableString(),
  maxChangePct: Type.Number(),
  updatedBy: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const BandBody = Type.Object(
  {
    destinationId: Type.Union([CatalogueId('Destination, or null for every destination'), Type.Null()]),
    serviceLevel: Type.Union([Type.Enum([...SERVICE_LEVELS]), Type.Null()]),
    maxChangePct: Type.Number({ minimum: 0, maximum: 50, description: 'Changes up to this percentage are accepted without review' }),
  },
  { additionalProperties: false },
);

export const Principal = Type.Object({ name: Type.String(), role: Type.String() });
export const DestinationList = Type.Array(Type.Object({ id: Type.Integer(), code: Type.String(), name: Type.String() }));

export const AcceptanceQuery = Type.Object(
  {
    from: Type.Optional(IsoDate('First day decided, in Lima (default: the first decision)')),
    to: Type.Optional(IsoDate('Last day decided, in Lima, included (default: the last decision)')),
  },
  { additionalProperties: false },
);

const AcceptanceCounts = {
  decisions: Type.Integer(),
  accepted: Type.Integer({ description: 'Accepted by a manager or auto-accepted by a band' }),
  autoAccepted: Type.Integer(),
  overridden: Type.Integer(),
  rejected: Type.Integer(),
  acceptanceRate: Type.Number({ description: 'accepted / decisions' }),
  avgOverride: Nullable(Type.Number({ description: 'Mean of (override − suggested) / suggested over overrides: −0.05 = managers priced 5% under the model; null without overrides' })),
};

export const AcceptanceSchema = Type.Object({
  from: Nullable(Type.String({ format: 'date' })),
  to: Nullable(Type.String({ format: 'date' })),
  decidedThrough: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
    description: 'When the newest decision the warehouse holds was made: the scheduled ingest copies decisions, so later ones are not counted yet',
  }),
  byModelVersion: Type.Array(Type.Object({ modelVersion: Type.String(), ...AcceptanceCounts })),
  byManager: Type.Array(Type.Object({ decidedBy: Type.String({ description: 'The credential that decided; system:auto-accept for the bands' }), role: Type.String(), ...AcceptanceCounts })),
});
