import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorOf } from '../../platform/http/actor.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { guardrailHistory, loadGuardrails, removeGuardrail, setGuardrail } from '../guardrails/guardrail-store.ts';
import { errorResponses } from '../../contract/common.ts';
import { GuardrailChangeBody, GuardrailHistoryQuery, GuardrailRecordSchema, GuardrailRemovalBody, GuardrailSetQuery, GuardrailSetSchema } from '../../contract/guardrails.ts';

/**
 * /v1/guardrails: the rules price suggestions are held to, as data pricing managers edit. Everyone who sees prices
 * may read them; pricing managers and admins change them. A change is a new revision (never an edit in place),
 * reaches every API process through NOTIFY, and this process reloads before answering, so the caller's next
 * price here is already held to it.
 */
export const guardrailRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const tags = ['guardrails'];

  app.get(
    '/guardrails',
    {
      config: { roles: ACCESS.read },
      schema: { tags, summary: 'The guardrail rules in force (or at an earlier version)', querystring: GuardrailSetQuery, response: { 200: GuardrailSetSchema, ...errorResponses(400, 401, 403, 404, 429) } },
    },
    async (request) => {
      const { policy, records } = await loadGuardrails(ctx.pg, request.query.version ?? null);
      return { version: policy.version, rules: records };
    },
  );

  app.get(
    '/guardrails/history',
    {
      config: { roles: ACCESS.read },
      schema: { tags, summary: 'Every revision of the rules, newest first (of one scope when asked)', querystring: GuardrailHistoryQuery, response: { 200: Type.Array(GuardrailRecordSchema), ...errorResponses(400, 401, 403, 429) } },
    },
    async (request) => {
      const { destinationId, serviceLevel, limit } = request.query;
      const scoped = destinationId !== undefined || serviceLevel !== undefined;
      return guardrailHistory(ctx.pg, { scope: scoped ? { destinationId: destinationId ?? null, serviceLevel: serviceLevel ?? null } : undefined, limit });
    },
  );

  app.put(
    '/guardrails',
    {
      config: { roles: ACCESS.review, audit: 'recorded' },
      schema: {
        tags,
        summary: 'Set the rule of a destination and/or service level (null = every); limits left out are not applied',
        body: GuardrailChangeBody,
        response: { 200: GuardrailRecordSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const written = await setGuardrail(ctx.pg, { ...request.body, actor: actorOf(request) });
      await ctx.guardrails.reload();
      return written;
    },
  );

  app.post(
    '/guardrails/remove',
    {
      config: { roles: ACCESS.review, audit: 'recorded' },
      schema: {
        tags,
        summary: 'Remove the rule of a scope: its quotations are held to the broader rule again (the default cannot be removed)',
        body: GuardrailRemovalBody,
        response: { 200: GuardrailRecordSchema, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const written = await removeGuardrail(ctx.pg, { ...request.body, actor: actorOf(request) });
      await ctx.guardrails.reload();
      return written;
    },
  );
};
