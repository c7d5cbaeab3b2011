import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses } from '../../contract/common.ts';
import { assessReadiness } from '../readiness/readiness.ts';

const Readiness = Type.Object({
  ready: Type.Boolean(),
  reasons: Type.Array(Type.String(), { description: 'Why not ready, in words a caller can act on (empty when ready)' }),
  warnings: Type.Array(Type.String(), { description: 'Ready, but something is degraded' }),
});

/**
 * Operations: /health says the process answers (liveness: no store is asked, so a slow database does not get the
 * process restarted), /ready says whether it can do its work and, if not, why — in words only, since anyone may
 * ask (versions, timings and store errors are at GET /v1/admin/readiness) — and /metrics is the Prometheus text
 * (admin credential, as everything but health and readiness needs one).
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
        summary: 'Readiness: PostgreSQL and ClickHouse answer and every model family has a model being served',
        description: 'Not ready (503) names what is missing, e.g. a model family none of whose versions is served. Details for admins: GET /v1/admin/readiness.',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const { ready, reasons, warnings } = await assessReadiness(ctx);
      reply.status(ready ? 200 : 503);
      return { ready, reasons, warnings };
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
