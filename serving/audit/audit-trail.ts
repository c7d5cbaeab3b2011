import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { appendAudit } from '../../platform/audit-log.ts';
import type { Logger } from '../../platform/log.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { requestIds } from '../../platform/http/request-ids.ts';
import '../../platform/http/route-contract.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The safety net of the audit log: no write through the API goes unrecorded because its route forgot to. The record
 * is written before the response is sent, so a caller that reads the log after its write finds it there. A failed
 * record is logged, not turned into an error: the write it describes has already happened.
 */
export function installAuditTrail(app: FastifyInstance, deps: { pool: pg.Pool; log: Logger }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const config = request.routeOptions.config;
    if (READS.has(request.method) || !config.roles || config.audit || reply.statusCode >= 400 || !request.principal) return payload;
    const route = request.routeOptions.url ?? request.url;
    try {
      await appendAudit(deps.pool, actorOf(request), { action: `request.${request.method.toLowerCase()}`, target: route, after: { params: request.params, status: reply.statusCode } });
    } catch (err) {
      deps.log.error('audit record not written', { ...requestIds(request), route, error: (err as Error).message });
    }
    return payload;
  });
}
