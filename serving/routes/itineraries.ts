import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../platform/errors.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import { errorResponses } from '../../contract/common.ts';
import { ItineraryCardSchema, ItineraryList, ItineraryListQuery, ItineraryParams, ItineraryQuery } from '../../contract/itineraries.ts';
import { itineraryCard } from '../scoring/itinerary-cards.ts';

/**
 * GET /v1/itineraries and /v1/itineraries/:id: the catalogue as the sales team offers it — name, destination,
 * length, level, price from, and the next departures with seats left — from the catalogue the API holds in memory.
 */
export const itineraryRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  const loaded = () => {
    if (!ctx.catalogue.loaded) throw new StoreUnavailableError('the catalogue is not loaded yet; ask again shortly');
  };

  app.get(
    '/itineraries',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['catalogue'],
        summary: 'Itineraries of the catalogue, with their next departures with seats left',
        querystring: ItineraryListQuery,
        response: { 200: ItineraryList, ...errorResponses(400, 401, 403, 429, 503) },
      },
    },
    async (request) => {
      loaded();
      const { destination, serviceLevel, active = true, limit = 100, offset = 0 } = request.query;
      const matching = ctx.catalogue
        .itineraries()
        .filter((it) => (destination === undefined || it.destinationCode === destination) && (serviceLevel === undefined || it.serviceLevel === serviceLevel) && (!active || it.active))
        .sort((a, b) => a.itineraryId - b.itineraryId);
      const from = ctx.catalogue.today();
      return { total: matching.length, items: matching.slice(offset, offset + limit).map((it) => itineraryCard(it, from, from)) };
    },
  );

  app.get(
    '/itineraries/:id',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['catalogue'],
        summary: 'One itinerary, with its next departures with seats left',
        params: ItineraryParams,
        querystring: ItineraryQuery,
        response: { 200: ItineraryCardSchema, ...errorResponses(400, 401, 403, 404, 429, 503) },
      },
    },
    async (request) => {
      loaded();
      const it = ctx.catalogue.itinerary(request.params.id);
      if (!it) throw new NotFoundError(`itinerary ${request.params.id} is not in the catalogue`, 'id');
      return itineraryCard(it, ctx.catalogue.today(), ctx.catalogue.today(), request.query.departures ?? 5);
    },
  );
};
