import type { FastifyPluginAsync } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ClickHouseClient } from '@clickhouse/client';
import type pg from 'pg';
import { Type } from 'typebox';
import { listBands, setBand } from '../suggestions/auto-accept-bands.ts';
import { decideSuggestion } from '../suggestions/decide-suggestion.ts';
import { listDecisions } from '../suggestions/decision-log.ts';
import { listLocks, lockPrice, releaseLock } from '../suggestions/price-locks.ts';
import { ReviewConflictError } from '../suggestions/review-errors.ts';
import { checkQueueFilter, getSuggestion, listQueue } from '../suggestions/review-queue.ts';
import { suggestionAcceptance } from '../suggestions/suggestion-acceptance.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import { errorResponses } from '../../contract/common.ts';
import {
  AcceptanceQuery, AcceptanceSchema, BandBody, BandSchema, DecisionBody, DecisionSchema, DecisionsQuery, DestinationList, IdParams, LockBody, LockSchema, Principal, QueuePage, QueueQuery,
  SuggestionDetailSchema,
} from './review-schemas.ts';

/**
 * The pricing managers' review desk (role pricing-manager, and admin): the queue of suggestions, one
 * suggestion with its reasons, decisions, price locks and auto-accept bands, and how often suggestions are taken
 * (from ClickHouse). Routes are thin: the rules live in domain/suggestions. A decision that cannot happen now (already decided, locked price, quotation moved on)
 * answers 409 with its code; everything else goes to the API's error handler.
 */
const ERRORS = [400, 401, 403, 404, 429];
const CONFLICT = Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }, { description: 'The suggestion or price cannot change now; `code` says why' });

const routes: FastifyPluginAsyncTypebox<ReviewDeskStores> = async (app, { pool, clickhouse }) => {
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ReviewConflictError) return reply.status(409).send(error.toJSON());
    throw error;
  });
  const config = { roles: ACCESS.review };
  const recorded = { roles: ACCESS.review, audit: 'recorded' as const };
  const tags = ['review'];

  app.get('/v1/review/me', { config, schema: { tags, summary: 'Who the credential belongs to (the page signs in with it)', response: { 200: Principal, ...errorResponses(401, 403) } } }, async (request) => {
    const p = request.principal!;
    return { name: p.name, role: p.role };
  });

  app.get('/v1/review/destinations', { config, schema: { tags, summary: 'Destinations, for the queue filter', response: { 200: DestinationList, ...errorResponses(401, 403) } } }, async () => {
    const { rows } = await pool.query<{ id: number; code: string; name: string }>('SELECT id, code, name FROM destinations ORDER BY name');
    return rows;
  });

  app.get(
    '/v1/review/suggestions',
    { config, schema: { tags, summary: 'The queue: suggestions by state (default pending), soonest departures first', querystring: QueueQuery, response: { 200: QueuePage, ...errorResponses(...ERRORS) } } },
    // The schema checks each parameter alone; checkQueueFilter also checks them together (a departure window
    // whose start is after its end answered 200 with nothing, as if the queue were empty).
    async (request) => listQueue(pool, checkQueueFilter(request.query)),
  );

  app.get(
    '/v1/review/suggestions/:id',
    { config, schema: { tags, summary: 'One suggestion: reason codes, contributions, guardrail, features, lock and decision', params: IdParams, response: { 200: SuggestionDetailSchema, ...errorResponses(...ERRORS) } } },
    async (request) => getSuggestion(pool, request.params.id),
  );

  app.post(
    '/v1/review/suggestions/:id/decision',
    {
      config: recorded,
      schema: {
        tags,
        summary: 'Accept, override (price and reason) or reject (reason) a pending suggestion; final once made',
        params: IdParams,
        body: DecisionBody,
        response: { 201: DecisionSchema, 409: CONFLICT, ...errorResponses(...ERRORS) },
      },
    },
    async (request, reply) => {
      const decision = await decideSuggestion(pool, { suggestionId: request.params.id, ...request.body, actor: actorOf(request) });
      return reply.status(201).send(decision);
    },
  );

  app.get(
    '/v1/review/decisions',
    { config, schema: { tags, summary: 'Decisions, newest first: the audit trail', querystring: DecisionsQuery, response: { 200: Type.Array(DecisionSchema), ...errorResponses(...ERRORS) } } },
    async (request) => listDecisions(pool, request.query),
  );

  app.get(
    '/v1/review/locks',
    { config, schema: { tags, summary: 'Active price locks', response: { 200: Type.Array(LockSchema), ...errorResponses(401, 403, 429) } } },
    async () => listLocks(pool),
  );

  app.post(
    '/v1/review/locks',
    { config: recorded, schema: { tags, summary: 'Lock the price of a quotation or of a departure’s quotations', body: LockBody, response: { 201: LockSchema, 409: CONFLICT, ...errorResponses(...ERRORS) } } },
    async (request, reply) => reply.status(201).send(await lockPrice(pool, { ...request.body, actor: actorOf(request) })),
  );

  app.post(
    '/v1/review/locks/:id/release',
    { config: recorded, schema: { tags, summary: 'Release a price lock', params: IdParams, response: { 200: LockSchema, 409: CONFLICT, ...errorResponses(...ERRORS) } } },
    async (request) => releaseLock(pool, request.params.id, actorOf(request)),
  );

  app.get(
    '/v1/review/auto-accept-bands',
    { config, schema: { tags, summary: 'Auto-accept bands per destination and service level', response: { 200: Type.Array(BandSchema), ...errorResponses(401, 403, 429) } } },
    async () => listBands(pool),
  );

  app.get(
    '/v1/suggestions/acceptance',
    {
      config,
      schema: {
        tags,
        summary: 'Acceptance rate and average override per model version and per manager, over days decided (as of the last ingest)',
        querystring: AcceptanceQuery,
        response: { 200: AcceptanceSchema, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => suggestionAcceptance(clickhouse, request.query),
  );

  app.put(
    '/v1/review/auto-accept-bands',
    { config: recorded, schema: { tags, summary: 'Set the band of a destination and/or service level (null = all)', body: BandBody, response: { 200: BandSchema, ...errorResponses(...ERRORS) } } },
    async (request) => setBand(pool, { ...request.body, actor: actorOf(request) }),
  );
};

export interface ReviewDeskStores {
  pool: pg.Pool;
  /** The warehouse, for acceptance rates: decisions reach it with the scheduled ingest. */
  clickhouse: ClickHouseClient;
}

/** The plugin to hand to buildApp({ plugins }). */
export function reviewDesk(stores: ReviewDeskStores): FastifyPluginAsync {
  return async (app) => {
    await app.register(routes, stores);
  };
}
