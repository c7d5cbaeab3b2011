import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InputError, SpiritError } from '../../platform/errors.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { ModelUnavailableError, StoreUnavailableError } from '../../platform/http/api-errors.ts';
import { addDays } from '../http/date-window.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { QuotationScoreSchema, ScoreQuotationBody } from '../../contract/quotations.ts';
import { recordAvailabilityOnce, recordScored } from '../request-log/record-scored.ts';
import { demandOutlook, type DemandOutlook } from '../scoring/demand-outlook.ts';
import { suggestPrices } from '../scoring/price-suggestions.ts';
import { loggedRecommendations, recommendItineraries, type ScoredRecommendations } from '../scoring/recommendations.ts';
import { loggedAnswer, quotationIdOf } from './prices.ts';

/** Demand is looked at this many days either side of the departure; alternatives this many. */
const DEMAND_DAYS = 7;
const ALTERNATIVE_DAYS = 30;

type Unavailable = { family: string; message: string };

/**
 * Runs one optional part of the answer: a family without a model, a store that failed, or a window the part cannot
 * answer for (a departure further ahead than the demand model forecasts) leaves that part null and says why, rather
 * than failing the quote (the price is the part that cannot be missing). Those parts ask with values this route
 * derives from the quotation, so an error of theirs would name a field the caller never sent.
 */
async function optional<T>(family: string, unavailable: Unavailable[], work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ModelUnavailableError || err instanceof StoreUnavailableError || err instanceof InputError || (err instanceof SpiritError && err.code === 'not_found')) {
      unavailable.push({ family, message: err.message });
      return null;
    }
    throw err;
  }
}

/**
 * POST /v1/quotations/score: what the quotation engine needs for one quote in a single call — the suggested price
 * (with range, reasons, guardrail and segment), the demand around the departure (load factor, pace, forecast) and
 * alternative itineraries for the customer. Each part carries its model version.
 */
export const quotationRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.post(
    '/quotations/score',
    {
      config: { roles: ACCESS.score, audit: 'not-a-write' },
      schema: {
        tags: ['quotations'],
        summary: 'Price, demand around the departure and alternative itineraries for one quotation',
        description: 'Only the price is required to answer; demand and alternatives are null (and listed in `unavailable`) when their family has no model.',
        body: ScoreQuotationBody,
        response: { 200: QuotationScoreSchema, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { quotation } = request.body;
      const alternativesWanted = request.body.alternatives ?? 3;
      const [priced] = await suggestPrices(ctx, [quotation], { batch: false });
      const unavailable: Unavailable[] = [];
      const destination = priced.itinerary?.destinationCode;
      const [demand, alternatives] = await Promise.all([
        destination
          ? optional<DemandOutlook>('demand', unavailable, () =>
              demandOutlook(ctx, { destination, from: addDays(quotation.departureDate, -DEMAND_DAYS), to: addDays(quotation.departureDate, DEMAND_DAYS) }),
            )
          : Promise.resolve(null),
        quotation.customerId !== undefined && alternativesWanted > 0
          ? optional<ScoredRecommendations>('recommender', unavailable, async () => {
              const from = addDays(quotation.departureDate, -ALTERNATIVE_DAYS);
              const quoteDay = limaToday(priced.quotation.quotedAt);
              return recommendItineraries(ctx, {
                customerId: quotation.customerId!,
                k: alternativesWanted,
                from: from < quoteDay ? quoteDay : from,
                to: addDays(quotation.departureDate, ALTERNATIVE_DAYS),
                exclude: [quotation.itineraryId],
              });
            })
          : Promise.resolve(null),
      ]);
      if (!destination) unavailable.push({ family: 'demand', message: 'the itinerary’s destination was not known in time' });

      const subject = quotation.quotationRef ?? `itinerary:${quotation.itineraryId}`;
      // Logged under the id the price was made for: none for a withheld (erased or non-consenting) customer.
      const loggedCustomer = priced.quotation.customerId;
      const base = { subject, quotationId: quotationIdOf(quotation.quotationRef), customerId: loggedCustomer ?? null };
      recordScored(ctx, request, reply, {
        ...base,
        family: 'price',
        modelVersion: priced.answer.modelVersion,
        featureSnapshotId: priced.answer.featureSnapshotId,
        defaultedFeatures: priced.answer.defaultedFeatures,
        input: { ...quotation, customerId: loggedCustomer, quotedAt: priced.quotation.quotedAt.toISOString() },
        features: priced.features,
        response: loggedAnswer(priced.answer),
      });
      if (demand) {
        recordScored(ctx, request, reply, {
          ...base,
          family: 'demand',
          modelVersion: demand.modelVersion,
          featureSnapshotId: demand.featureSnapshotId,
          defaultedFeatures: demand.defaultedFeatures,
          input: { destination: demand.destination, ...demand.window },
          features: { departures: demand.departures },
          response: demand,
        });
      }
      if (alternatives) {
        if (alternatives.availability) recordAvailabilityOnce(ctx, request, alternatives.answer.window, alternatives.availability);
        recordScored(ctx, request, reply, {
          ...base,
          family: 'recommender',
          modelVersion: alternatives.answer.modelVersion,
          featureSnapshotId: alternatives.answer.featureSnapshotId,
          defaultedFeatures: alternatives.answer.defaultedFeatures,
          input: { customerId: loggedCustomer, k: alternativesWanted, exclude: [quotation.itineraryId], ...alternatives.answer.window },
          features: alternatives.features,
          response: loggedRecommendations(alternatives.answer),
        });
      }
      return { price: priced.answer, demand, alternatives: alternatives?.answer ?? null, unavailable };
    },
  );
};
