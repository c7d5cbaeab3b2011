import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { parse, type DocumentNode } from 'graphql';
import mercurius from 'mercurius';
import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { ScoringClient } from '../quotations/scoring-client.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import { formatExecution, refusalHandler } from './graphql-errors.ts';
import { quotationLoaders } from './quotation-loaders.ts';
import { chosenOperation, operationNameOf } from './chosen-operation.ts';
import { checkOperation } from './query-limits.ts';
import { GRAPHQL_RESPONSES } from './route-schemas.ts';
import { quotationResolvers, type GraphContext } from './resolvers.ts';
import { SCHEMA } from './schema.ts';
import { credentialOf, ownAddress } from '../../platform/http/forwarded-call.ts';

/**
 * The GraphQL layer over quotations, a plugin for `buildApp({ plugins })` like the review desk:
 * `POST /graphql` (and `GET /graphql?query=` for queries), for the same credentials and roles as the REST API —
 * any role reads quotations, costs and margins only pricing-manager and admin, mutations the roles that may have
 * prices scored. GraphiQL at /graphiql outside production (it loads its page from unpkg.com).
 */
export interface QuotationGraphOptions {
  pool: pg.Pool;
  log: Logger;
  /** The scoring API the mutations price through; by default this server itself, at the address the request came to. */
  scoringUrl?: string;
  /** GraphiQL at /graphiql; by default only when NODE_ENV is not `production`. */
  graphiql?: boolean;
}

/** Deeper than any sensible question about quotations (a booking's quotation's departure is 5 levels). */
export const MAX_DEPTH = 8;

/** The HTTP request a GraphQL hook runs for: mercurius puts the reply in the context. */
function requestOf(context: unknown): FastifyRequest {
  return (context as { reply: { request: FastifyRequest } }).reply.request;
}

export function quotationGraph(options: QuotationGraphOptions): FastifyPluginAsync {
  const graphiql = options.graphiql ?? process.env.NODE_ENV !== 'production';
  return async (app) => {
    // Mercurius's routes get the API's rules: who may call, no second audit row (mutations write their own,
    // queries write nothing), and a place in the OpenAPI document; GraphiQL's page and assets stay out of it.
    app.addHook('onRoute', (route) => {
      if (route.url === '/graphql') {
        route.config = { ...route.config, roles: ACCESS.read, audit: 'recorded' };
        route.schema = {
          ...route.schema,
          response: GRAPHQL_RESPONSES,
          tags: ['graphql'],
          summary: route.method === 'GET' ? 'A GraphQL query in the query string (no mutations)' : 'A GraphQL query or mutation over quotations',
          description: 'Schema: domain/graphql/schema.ts (or introspect it). Costs and margins: pricing-manager, admin. Mutations: quotation-engine, pricing-manager, admin.',
        } as typeof route.schema;
      } else if (route.url.startsWith('/graphiql')) {
        route.schema = { ...route.schema, hide: true } as typeof route.schema;
      }
    });

    await app.register(mercurius, {
      schema: SCHEMA,
      resolvers: quotationResolvers({ pool: options.pool, log: options.log }) as never,
      context: (request: FastifyRequest): GraphContext => ({
        loaders: quotationLoaders(options.pool),
        actor: () => actorOf(request),
        scorer: () => new ScoringClient({ baseUrl: options.scoringUrl ?? ownAddress(request), apiKey: credentialOf(request) }),
      }),
      queryDepth: MAX_DEPTH,
      // A query seen before runs compiled (graphql-jit): pages of 50 are mostly field resolution, and compiled
      // they cost markedly less CPU (bench/graphql.bench.ts). Compiled queries do not call functions found on
      // result objects, so every computed field has a resolver of its own.
      jit: 1,
      graphiql,
      // Automatic persisted queries: a client sends a query's sha256 and, the first time, the query with it.
      persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(1000),
      allowBatchedQueries: false,
      errorFormatter: formatExecution(options.log) as never,
      errorHandler: refusalHandler(options.log) as never,
    });

    // mercurius looks the operation up before the limits run (to refuse a mutation over GET, to check variables),
    // and answered 500 for a GET naming one it could not find: the choice is made first, on a parse of our own
    // (microseconds; a query that does not parse is left to mercurius to refuse).
    app.graphql.addHook('preParsing', async (_schema, source, context) => {
      let document: DocumentNode;
      try {
        document = parse(source);
      } catch {
        return;
      }
      chosenOperation(document, operationNameOf(requestOf(context)));
    });
    app.graphql.addHook('preExecution', async (schema, document, context, variables) => {
      const request = requestOf(context);
      checkOperation(schema, document, variables as Record<string, unknown> | undefined, request.principal!.role, operationNameOf(request));
    });
  };
}
