import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { dateWindow, today } from '../http/date-window.ts';
import { errorResponses, IsoDate, ScoredFields, SCORED_ERRORS } from '../http/schemas.ts';
import { recordScored } from '../request-log/record-scored.ts';
import { demandOutlook, GRANULARITIES } from '../scoring/demand-outlook.ts';

const Bounds = { mean: Type.Number(), lo80: Type.Number(), hi80: Type.Number(), lo95: Type.Number(), hi95: Type.Number() };

export const DemandOutlookSchema = Type.Object({
  destination: Type.String(),
  measure: Type.String({ description: 'What is forecast: travellers booking in each period' }),
  granularity: Type.String(),
  window: Type.Object({ from: Type.String(), to: Type.String() }),
  forecast: Type.Array(Type.Object({ start: Type.String({ description: 'First day of the period' }), ...Bounds })),
  departures: Type.Union([
    Type.Object({
      count: Type.Integer(),
      capacity: Type.Number(),
      bookedTravellers: Type.Number(),
      loadFactor: Type.Union([Type.Number(), Type.Null()]),
      expectedLoadFactor: Type.Union([Type.Object({ expected: Type.Number(), lo80: Type.Number(), hi80: Type.Number() }), Type.Null()]),
      pace: Type.Union([
        Type.Object({
          pace: Type.Union([Type.Number(), Type.Null()]),
          leadTimeDays: Type.Integer(),
          yearsBack: Type.Integer({ minimum: 1, description: 'The earlier year the pace compares with: 1 = last year, more when that year had sold nothing by now' }),
          bookedLastYear: Type.Number({ description: 'Travellers booked by this lead time in the year compared with' }),
          projectedFinal: Type.Number(),
        }),
        Type.Null(),
      ]),
    }),
    Type.Null(),
  ]),
  ...ScoredFields,
});

/** GET /v1/demand: forecast with bounds for a destination's window, and its departures' load factor and pace. */
export const demandRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/demand',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['demand'],
        summary: 'Demand forecast of a destination over a window, with load factor and booking pace of its departures',
        querystring: Type.Object(
          {
            destination: Type.String({ pattern: '^[a-z0-9-]{1,64}$', description: 'Destination code, e.g. cusco' }),
            from: Type.Optional(IsoDate('Start of the window (default today)')),
            to: Type.Optional(IsoDate('End of the window (default from + 90 days)')),
            granularity: Type.Optional(Type.Enum([...GRANULARITIES], { description: 'Period of the forecast rows (default: the model’s own)' })),
          },
          { additionalProperties: false },
        ),
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
