import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import type { ApiKeyVerifier } from '../auth/key-verifier.ts';
import { ACCESS, ROLES } from '../auth/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses } from '../http/schemas.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const FamilyStatusSchema = Type.Object({
  family: Type.String(),
  serving: Nullable(Type.String()),
  champion: Nullable(Type.String()),
  loadedAt: Nullable(Type.String()),
  lastError: Nullable(Type.Object({ version: Nullable(Type.String()), message: Type.String(), at: Type.String() })),
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
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Create an API key; the key is in this answer only',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), role: Type.Enum([...ROLES]) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), key: Type.String() }), ...ADMIN_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(ctx.pg, request.body);
      ctx.log.info('api key created', { id: created.id, role: created.role, by: request.principal?.id });
      return reply.status(201).send(created);
    },
  );

  app.delete(
    '/admin/keys/:id',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an API key (effective at once on every API process listening to PostgreSQL)',
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }),
        response: { 200: ApiKeySchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const revoked = await revokeApiKey(ctx.pg, request.params.id);
      verifier.invalidate();
      ctx.log.info('api key revoked', { id: revoked.id, by: request.principal?.id });
      return revoked;
    },
  );
};
