import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SpiritError } from '../../platform/errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { addDays, dateWindow, today } from '../http/date-window.ts';
import { errorResponses } from '../../contract/common.ts';
import { DestinationsQuery, DestinationsReport } from '../../contract/destinations.ts';

/** A report may take longer than a feature lookup, but an analyst's page should still not hang. */
const REPORT_TIMEOUT_MS = 10_000;

/** GET /v1/destinations: bookings, travellers and revenue per destination from the warehouse, for analysts. */
export const destinationRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/destinations',
    {
      config: { roles: ACCESS.data },
      schema: {
        tags: ['data'],
        summary: 'Bookings, travellers and revenue per destination for departures in a window (cached 15 minutes)',
        querystring: DestinationsQuery,
        response: { 200: DestinationsReport, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      const window = dateWindow(request.query.from, request.query.to, { from: addDays(today(), -365), days: 365 });
      const report = await ctx.online.lookup('report', `destinations:${window.from}|${window.to}`, () => ctx.sources.destinations(window.from, window.to), REPORT_TIMEOUT_MS);
      if (report.source === 'default') throw new SpiritError('store_unavailable', `the warehouse did not answer within ${REPORT_TIMEOUT_MS / 1000} s; try again shortly`);
      return { window, destinations: report.value };
    },
  );
};
