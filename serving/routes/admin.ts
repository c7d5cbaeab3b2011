import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { readAudit } from '../../platform/audit-log.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import type { ApiKeyVerifier } from '../auth/key-verifier.ts';
import { ACCESS, ROLES } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, RecordId } from '../http/schemas.ts';
import { assessReadiness } from '../readiness/readiness.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const FamilyStatusSchema = Type.Object({
  family: Type.String(),
  serving: Nullable(Type.String()),
  champion: Nullable(Type.String()),
  loadedAt: Nullable(Type.String()),
  lastError: Nullable(Type.Object({ version: Nullable(Type.String()), message: Type.String(), at: Type.String() })),
});

const StoreCheckSchema = Type.Object({ ok: Type.Boolean(), ms: Type.Integer(), error: Type.Optional(Type.String()) });

const ReadinessDetailsSchema = Type.Object({
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

const ApiKeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  revokedAt: Nullable(Type.String()),
});

const ADMIN_ERRORS = errorResponses(400, 401, 403, 429);

const AuditRecordSchema = Type.Object({
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

/** Operating the service: which models are served (and why not), reloading them, and API keys. */
export const adminRoutes: FastifyPluginAsyncTypebox<RouteOptions & { verifier: ApiKeyVerifier }> = async (app, { ctx, verifier }) => {
  app.get(
    '/admin/models',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Per family: the version served, the registry’s champion, and the last load failure',
        response: { 200: Type.Object({ families: Type.Array(FamilyStatusSchema) }), ...ADMIN_ERRORS },
      },
    },
    async () => ({ families: ctx.champions.status() }),
  );

  app.get(
    '/admin/readiness',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Readiness with its details: each store’s answer and time, each family’s served and champion version, how far domain events lag',
        description: 'The same verdict as the public /ready, which shows only the verdict and its reasons.',
        response: { 200: ReadinessDetailsSchema, ...ADMIN_ERRORS },
      },
    },
    async () => assessReadiness(ctx, { details: true }),
  );

  app.post(
    '/admin/models/reload',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Look up every champion now and load those that changed (also retries one that failed to load)',
        response: {
          200: Type.Object({ outcomes: Type.Record(Type.String(), Type.String()), families: Type.Array(FamilyStatusSchema) }),
          ...ADMIN_ERRORS,
        },
      },
    },
    async () => {
      const outcomes = await ctx.champions.refresh({ force: true });
      return { outcomes, families: ctx.champions.status() };
    },
  );

  app.get(
    '/admin/keys',
    {
      config: { roles: ACCESS.admin },
      schema: { tags: ['admin'], summary: 'API keys (never the keys themselves)', response: { 200: Type.Object({ keys: Type.Array(ApiKeySchema) }), ...ADMIN_ERRORS } },
    },
    async () => ({ keys: await listApiKeys(ctx.pg) }),
  );

  app.post(
    '/admin/keys',
    {
      config: { roles: ACCESS.admin, audit: 'recorded' },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the key is in this answer only (lists show its prefix)',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Enum([...ROLES]) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), prefix: Type.String(), key: Type.String() }), ...ADMIN_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(ctx.pg, request.body, actorOf(request));
      ctx.log.info('api key created', { id: created.id, role: created.role, by: request.principal?.id });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/admin/keys/:id',
    {
      config: { roles: ACCESS.admin, audit: 'recorded' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key (effective at once on every API process listening to PostgreSQL)',
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }),
        response: { 200: ApiKeySchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const revoked = await revokeApiKey(ctx.pg, request.params.id, actorOf(request));
      verifier.forget(revoked.id);
      ctx.log.info('api key revoked', { id: revoked.id, by: request.principal?.id });
      return revoked;
    },
  );

  app.get(
    '/admin/audit',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'The audit log, newest first: every write with who, role, what, before/after, when and request id',
        querystring: Type.Object(
          {
            action: Type.Optional(Type.String({ pattern: '^[a-z_]+(\\.[a-z_]+)*$', maxLength: 100, description: 'An action (guardrail.set) or a family of them (guardrail)' })),
            since: Type.Optional(Type.String({ format: 'date-time', description: 'At or after this moment' })),
            before: Type.Optional(RecordId('Only records with a smaller id (the next page)')),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'Default 100' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ records: Type.Array(AuditRecordSchema) }), ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { action, since, before, limit } = request.query;
      return { records: await readAudit(ctx.pg, { action, since: since ? new Date(since) : undefined, beforeId: before === undefined ? undefined : String(before), limit }) };
    },
  );
};
