import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { appendAudit } from '../../platform/audit-log.ts';
import type { Logger } from '../../platform/log.ts';
import { actorOf } from '../auth/actor.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How a write route is audited: `recorded` when the store records it with before and after in the write's own
     * transaction, `not-a-write` for a POST that only computes (prices, scores, queries). Any other successful
     * write through a route with roles is recorded here, after it answered, with the route and its parameters.
     */
    audit?: 'recorded' | 'not-a-write';
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The safety net of the audit log: no write through the API goes unrecorded because its route forgot to. */
export function installAuditTrail(app: FastifyInstance, deps: { pool: pg.Pool; log: Logger }): void {
  app.addHook('onResponse', (request, reply, done) => {
    const config = request.routeOptions.config;
    if (READS.has(request.method) || !config.roles || config.audit || reply.statusCode >= 400 || !request.principal) return done();
    const route = request.routeOptions.url ?? request.url;
    appendAudit(deps.pool, actorOf(request), { action: `request.${request.method.toLowerCase()}`, target: route, after: { params: request.params, status: reply.statusCode } }).catch((err) =>
      deps.log.error('audit record not written', { reqId: request.id, route, error: (err as Error).message }),
    );
    done();
  });
}
