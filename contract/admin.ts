import { Type, type Static } from 'typebox';
import { errorResponses, Nullable, RecordId } from './common.ts';
import { ROLES } from './auth.ts';

/** /v1/admin: models served, readiness in detail, API keys and the audit log. */
export const FamilyStatusSchema = Type.Object({
  family: Type.String(),
  serving: Nullable(Type.String()),
  champion: Nullable(Type.String()),
  loadedAt: Nullable(Type.String()),
  lastError: Nullable(Type.Object({ version: Nullable(Type.String()), message: Type.String(), at: Type.String() })),
});

const StoreCheckSchema = Type.Object({ ok: Type.Boolean(), ms: Type.Integer(), error: Type.Optional(Type.String()) });

export const ReadinessDetailsSchema = Type.Object({
  ready: Type.Boolean(),
  reasons: Type.Array(Type.String()),
  warnings: Type.Array(Type.String()),
  stores: Type.Object({ postgres: StoreCheckSchema, clickhouse: StoreCheckSchema }),
  models: Type.Array(FamilyStatusSchema),
  events: Nullable(
    Type.Object({
      at: Type.String({ description: 'When the backlog was sampled' }),
      outbox: Nullable(
        Type.Object({
          unpublished: Type.Integer({ description: 'Domain events committed and not yet published by the outbox relay' }),
          oldestUnpublishedSeconds: Nullable(Type.Integer()),
        }),
      ),
      stream: Nullable(
        Type.Object({
          unacknowledged: Type.Integer({ description: 'Entries on the event stream its consumer group has not acknowledged' }),
          capacity: Type.Integer({ description: 'OUTBOX_STREAM_MAXLEN: when full, the relay holds events in PostgreSQL' }),
        }),
      ),
    }),
  ),
});

export const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  revokedAt: Nullable(Type.String()),
});

export const ADMIN_ERRORS = errorResponses(400, 401, 403, 429);

export const AuditRecordSchema = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({ description: 'Who: the credential’s name and key id, cli:<user> or pipeline:<step>' }),
  actorKeyId: Nullable(Type.String()),
  role: Type.String(),
  source: Type.String({ description: 'api, cli or pipeline' }),
  action: Type.String({ description: 'e.g. api_key.create, guardrail.set, suggestion.decide, model.promote' }),
  target: Type.String(),
  before: Type.Optional(Type.Unknown()),
  after: Type.Optional(Type.Unknown()),
  requestId: Type.String(),
});

export const ModelsStatus = Type.Object({ families: Type.Array(FamilyStatusSchema) });
export type ModelsStatus = Static<typeof ModelsStatus>;

export const ModelsReloaded = Type.Object({ outcomes: Type.Record(Type.String(), Type.String()), families: Type.Array(FamilyStatusSchema) });

export const ApiKeyList = Type.Object({ keys: Type.Array(ApiKeySchema) });

export const ApiKeyRequest = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Enum([...ROLES]) }, { additionalProperties: false });
export type ApiKeyRequest = Static<typeof ApiKeyRequest>;

/** The key itself is in this answer only. */
export const CreatedApiKey = Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), prefix: Type.String(), key: Type.String() });

export const ApiKeyParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) });

export const AuditQuery = Type.Object(
  {
    action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*$', maxLength: 100, description: 'An action (guardrail.set) or a family of them (guardrail)' })),
    since: Type.Optional(Type.String({ format: 'date-time', description: 'At or after this moment' })),
    before: Type.Optional(RecordId('Only records with a smaller id (the next page)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
  },
  { additionalProperties: false },
);

export const AuditRecords = Type.Object({ records: Type.Array(AuditRecordSchema) });
