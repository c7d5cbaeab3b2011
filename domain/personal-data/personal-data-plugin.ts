import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type pg from 'pg';
import { Type } from 'typebox';
import { actorOf } from '../../platform/http/actor.ts';
import type { HostedPlugin, PluginHost } from '../../platform/http/plugin-host.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import { errorResponses, RecordId } from '../../contract/common.ts';
import { eraseCustomer } from './erase-customer.ts';
import { exportCustomer } from './export-customer.ts';

const ERRORS = errorResponses(400, 401, 403, 404, 429, 503);

const ErasureAnswer = Type.Object({
  customerId: Type.Integer(),
  status: Type.Union([Type.Literal('erased'), Type.Literal('already_erased')], {
    description: 'already_erased: an earlier erasure completed; the warehouse was checked again and anything personal found there rewritten (reapplied)',
  }),
  touched: Type.Record(Type.String(), Type.Integer(), { description: 'Rows changed per store and table, e.g. clickhouse.scored_requests' }),
  reapplied: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'already_erased only: warehouse rows found personal again and rewritten now' })),
  erasedAt: Type.String({ format: 'date-time' }),
});

export interface PersonalDataStores {
  pg: pg.Pool;
  clickhouse: ClickHouseClient;
}

const routes: FastifyPluginAsyncTypebox<{ stores: PersonalDataStores; host: PluginHost }> = async (app, { stores, host }) => {
  app.post(
    '/v1/customers/:id/erasure',
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
      // An ingest under way holds the warehouse rewrite back (platform/copies-under-way.ts): waited for within the request's
      // bound, after which the answer is a 503 to retry (the booking system is erased by then).
      const result = await eraseCustomer(stores, { customerId, reason: request.body.reason, actor: actorOf(request) }, { waitForIngestMs: 10_000 });
      // This process stops personalising at once; other replicas on their next read of the booking system.
      host.withholdPersonalisation(customerId);
      return result;
    },
  );

  app.get(
    '/v1/customers/:id/personal-data',
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
      return exportCustomer(stores, customerId, actorOf(request));
    },
  );
};

/**
 * A customer's rights over their personal data (admin only), for `buildApp({ plugins })`: erasure everywhere it is
 * stored, and access to all of it as one document. Both are recorded in the audit log; the export's contents are not.
 */
export function personalData(stores: PersonalDataStores): HostedPlugin {
  return async (app, { host }) => {
    await app.register(routes, { stores, host });
  };
}
