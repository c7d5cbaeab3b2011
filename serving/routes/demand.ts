import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { dateWindow, today } from '../http/date-window.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { DemandOutlookSchema, DemandQuery } from '../../contract/demand.ts';
import { recordScored } from '../request-log/record-scored.ts';
import { demandOutlook } from '../scoring/demand-outlook.ts';

/** GET /v1/demand: forecast with bounds for a destination's window, and its departures' load factor and pace. */
export const demandRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/demand',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['demand'],
        summary: 'Demand forecast of a destination over a window, with load factor and booking pace of its departures',
        querystring: DemandQuery,
        response: { 200: DemandOutlookSchema, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const window = dateWindow(request.query.from, request.query.to, { from: today(), days: 90 });
      const outlook = await demandOutlook(ctx, { destination: request.query.destination, granularity: request.query.granularity, ...window });
      recordScored(ctx, request, reply, {
        family: 'demand',
        modelVersion: outlook.modelVersion,
        featureSnapshotId: outlook.featureSnapshotId,
        defaultedFeatures: outlook.defaultedFeatures,
        subject: `destination:${outlook.destination}`,
        input: { ...request.query, ...window },
        features: { departures: outlook.departures },
        response: outlook,
      });
      return outlook;
    },
  );
};
