import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readAudit } from '../../platform/audit-log.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import type { ApiKeyVerifier } from '../auth/key-verifier.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import {
  ADMIN_ERRORS, ApiKeyList, ApiKeyParams, ApiKeyRequest, ApiKeySchema, AuditQuery, AuditRecords, CreatedApiKey, ModelsReloaded, ModelsStatus, ReadinessDetailsSchema,
} from '../../contract/admin.ts';
import { errorResponses } from '../../contract/common.ts';
import { assessReadiness } from '../readiness/readiness.ts';

/** Operating the service: which models are served (and why not), reloading them, and API keys. */
export const adminRoutes: FastifyPluginAsyncTypebox<RouteOptions & { verifier: ApiKeyVerifier }> = async (app, { ctx, verifier }) => {
  app.get(
    '/admin/models',
    {
      config: { roles: ACCESS.admin },
      schema: {
        tags: ['admin'],
        summary: 'Per family: the version served, the registry’s champion, and the last load failure',
        response: { 200: ModelsStatus, ...ADMIN_ERRORS },
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
        response: { 200: ModelsReloaded, ...ADMIN_ERRORS },
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
      schema: { tags: ['admin'], summary: 'API keys (never the keys themselves)', response: { 200: ApiKeyList, ...ADMIN_ERRORS } },
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
        body: ApiKeyRequest,
        response: { 201: CreatedApiKey, ...ADMIN_ERRORS },
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
        params: ApiKeyParams,
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
        querystring: AuditQuery,
        response: { 200: AuditRecords, ...ADMIN_ERRORS },
      },
    },
    async (request) => {
      const { action, since, before, limit } = request.query;
      return { records: await readAudit(ctx.pg, { action, since: since ? new Date(since) : undefined, beforeId: before === undefined ? undefined : String(before), limit }) };
    },
  );
};
