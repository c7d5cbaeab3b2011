import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCESS } from '../auth/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses } from '../http/schemas.ts';

const CHECK_TIMEOUT_MS = 2000;

async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function check(work: () => Promise<unknown>): Promise<string> {
  try {
    await within(work(), CHECK_TIMEOUT_MS);
    return 'ok';
  } catch (err) {
    return `unreachable: ${(err as Error).message}`;
  }
}

const Readiness = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Object({
    postgres: Type.String(),
    clickhouse: Type.String(),
    models: Type.String({ description: '"ok" once every family has been looked up in the registry' }),
    catalogue: Type.String({ description: '"ok" once the catalogue and its departure features are in memory (prices never wait on a cold cache for them)' }),
  }),
  models: Type.Array(
    Type.Object({
      family: Type.String(),
      serving: Type.Union([Type.String(), Type.Null()]),
      champion: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
});

/**
 * Operations: /health says the process answers (liveness: no store is asked, so a slow database does not get the
 * process restarted), /ready says it can do its work (stores reachable, models looked up), /metrics is the
 * Prometheus text (admin credential, as everything but health and readiness needs one).
 */
export const healthRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/health',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: PostgreSQL and ClickHouse answer, every model family has been looked up, the catalogue is in memory',
        description: 'A family without a champion does not make the API unready: its routes answer 503 until it has one.',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const [postgres, clickhouse] = await Promise.all([check(() => ctx.pg.query('SELECT 1')), check(() => ctx.clickhouse.query({ query: 'SELECT 1' }).then((r) => r.text()))]);
      const models = ctx.champions.initialised ? 'ok' : 'loading';
      const catalogue = ctx.catalogue.loaded ? 'ok' : 'loading';
      const ready = postgres === 'ok' && clickhouse === 'ok' && models === 'ok' && catalogue === 'ok';
      reply.status(ready ? 200 : 503);
      return {
        ready,
        checks: { postgres, clickhouse, models, catalogue },
        models: ctx.champions.status().map((s) => ({ family: s.family, serving: s.serving, champion: s.champion })),
      };
    },
  );

  app.get(
    '/metrics',
    {
      config: { roles: ACCESS.admin },
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format 0.0.4)', response: errorResponses(401, 403) },
    },
    async (_request, reply) => {
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return ctx.metrics.registry.render();
    },
  );
};
