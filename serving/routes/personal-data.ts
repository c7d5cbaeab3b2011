import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { appendAudit } from '../../platform/audit-log.ts';
import { eraseCustomer } from '../../domain/personal-data/erase-customer.ts';
import { exportCustomer } from '../../domain/personal-data/export-customer.ts';
import { actorOf } from '../auth/actor.ts';
import { ACCESS } from '../auth/roles.ts';
import type { RouteOptions } from '../context.ts';
import { errorResponses, RecordId } from '../../contract/common.ts';

const ERRORS = errorResponses(400, 401, 403, 404, 429, 503);

const ErasureAnswer = Type.Object({
  customerId: Type.Integer(),
  status: Type.Union([Type.Literal('erased'), Type.Literal('already_erased')], { description: 'already_erased: an earlier erasure completed; nothing more was done' }),
  touched: Type.Record(Type.String(), Type.Integer(), { description: 'Rows changed per store and table, e.g. clickhouse.scored_requests' }),
  erasedAt: Type.String({ format: 'date-time' }),
});

/**
 * A customer's rights over their personal data (admin only): erasure everywhere it is stored, and access to all of
 * it as one document. Both are recorded in the audit log; the export's contents are not.
 */
export const personalDataRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/customers/:id/erasure',
    {
      config: { roles: ACCESS.admin, audit: 'recorded' },
      schema: {
        tags: ['personal data'],
        summary: "Erase the customer's personal data in every store; business facts stay. Idempotent.",
        params: Type.Object({ id: RecordId('Customer id') }),
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why, kept in the erasure record' }) }, { additionalProperties: false }),
        response: { 200: ErasureAnswer, ...ERRORS },
      },
    },
    async (request) => {
      const customerId = request.params.id;
      const result = await eraseCustomer({ pg: ctx.pg, clickhouse: ctx.clickhouse }, { customerId, reason: request.body.reason, actor: actorOf(request) });
      // This process stops personalising at once; other replicas on their next read of the booking system.
      ctx.consent.withhold(customerId);
      return result;
    },
  );

  app.get(
    '/customers/:id/personal-data',
    {
      config: { roles: ACCESS.admin, audit: 'recorded' },
      schema: {
        tags: ['personal data'],
        summary: 'Everything stored about the customer, across stores, as one JSON document',
        params: Type.Object({ id: RecordId('Customer id') }),
        response: {
          200: Type.Object({
            customerId: Type.Integer(),
            exportedAt: Type.String({ format: 'date-time' }),
            bookingSystem: Type.Record(Type.String(), Type.Array(Type.Unknown())),
            warehouse: Type.Record(Type.String(), Type.Array(Type.Unknown())),
          }),
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const customerId = request.params.id;
      const document = await exportCustomer({ pg: ctx.pg, clickhouse: ctx.clickhouse }, customerId);
      await appendAudit(ctx.pg, actorOf(request), { action: 'customer.export', target: `customer:${customerId}` });
      return document;
    },
  );
};
