import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { ModelStateError } from '../../models/contract.ts';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { ModelUnavailableError } from '../../platform/http/api-errors.ts';
import { dateWindow } from '../http/date-window.ts';
import { sendSerialized } from '../http/send-serialized.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { RecommendationParams, RecommendationQuery, RecommendationsSchema, SimilarItineraries, SimilarParams, SimilarQuery } from '../../contract/recommendations.ts';
import { featureSnapshotId } from '../request-log/feature-snapshot.ts';
import { EncodedParts, recordAvailabilityOnce, recordScored } from '../request-log/record-scored.ts';
import { loggedRecommendations, recommendItineraries, type ScoredRecommendations } from '../scoring/recommendations.ts';
import { StoreUnavailableError } from '../../platform/http/api-errors.ts';
import { today } from '../http/date-window.ts';
import { itineraryCard } from '../scoring/itinerary-cards.ts';

/**
 * A remembered answer (scoring/recommendations.ts hands the same object to every request with the same inputs) is
 * encoded once — its body by the route's serializer, its features and response for the log — and reused: encoding
 * was about a fifth of a cached read's CPU. The encodings go with the answer when it is forgotten.
 */
const encodedAnswers = new WeakMap<ScoredRecommendations, { body: string; logged: EncodedParts }>();

/** Recommendations for a customer, and itineraries like one another, from the served recommender. */
export const recommendationRoutes: FastifyPluginAsyncTypebox<RouteOptions> = async (app, { ctx }) => {
  app.get(
    '/customers/:id/recommendations',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['recommendations'],
        summary: 'Itineraries to offer a customer, with free seats in the departure window and within budget',
        params: RecommendationParams,
        querystring: RecommendationQuery,
        response: { 200: RecommendationsSchema, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const window = dateWindow(request.query.from, request.query.to, { from: today(), days: 180 });
      const scored = await recommendItineraries(ctx, { customerId: id, k: request.query.k ?? 10, budget: request.query.budget, ...window });
      const { answer, availability } = scored;
      let encoded = encodedAnswers.get(scored);
      if (!encoded) encodedAnswers.set(scored, (encoded = { body: String(reply.serialize(answer)), logged: EncodedParts.of(scored.features, loggedRecommendations(answer)) }));
      if (availability) recordAvailabilityOnce(ctx, request, window, availability);
      const logged = { family: 'recommender' as const, modelVersion: answer.modelVersion, featureSnapshotId: answer.featureSnapshotId, defaultedFeatures: answer.defaultedFeatures };
      if (ctx.consent.allows(id)) {
        recordScored(ctx, request, reply, { ...logged, subject: `customer:${id}`, customerId: id, input: Object.assign({ customerId: id }, request.query, window), encoded: encoded.logged });
      } else {
        // Erased, or no consent: the answer is not personal, and the log does not keep it under their id either.
        recordScored(ctx, request, reply, { ...logged, subject: 'customer:withheld', input: Object.assign({}, request.query, window), features: scored.features, response: { ...loggedRecommendations(answer), customerId: null } });
      }
      return sendSerialized(reply, encoded.body);
    },
  );

  app.get(
    '/itineraries/:id/similar',
    {
      config: { roles: ACCESS.read },
      schema: {
        tags: ['recommendations'],
        summary: 'Itineraries most like one (cosine of the recommender’s itinerary factors)',
        params: SimilarParams,
        querystring: SimilarQuery,
        response: { 200: SimilarItineraries, ...errorResponses(...SCORED_ERRORS, 404) },
      },
    },
    async (request, reply) => {
      const served = ctx.champions.get('recommender');
      const { id } = request.params;
      if (!ctx.catalogue.loaded) throw new StoreUnavailableError('the catalogue is not loaded yet; ask again shortly');
      let similar;
      try {
        similar = served.model.similarItems(String(id), request.query.k ?? 10);
      } catch (err) {
        if (err instanceof InputError && err.field === 'itemId') throw new NotFoundError(`itinerary ${id} is not in the catalogue the recommender ${served.version} was trained on`, 'id');
        if (err instanceof ModelStateError) throw new ModelUnavailableError('recommender', `the served recommender ${served.version} cannot compare itineraries: ${err.message}`);
        throw err;
      }
      // Nothing is looked up: the answer depends on the itinerary and the model alone.
      const features = { itineraryId: id, k: request.query.k ?? 10 };
      const answer = {
        itineraryId: id,
        // One the model knows and the catalogue no longer has is not offered.
        items: similar.flatMap((s) => {
          const it = ctx.catalogue.itinerary(Number(s.itemId));
          return it ? [{ ...itineraryCard(it, today()), similarity: Number(s.similarity.toFixed(6)) }] : [];
        }),
        modelVersion: served.version,
        featureSnapshotId: featureSnapshotId(features),
        defaultedFeatures: [],
      };
      recordScored(ctx, request, reply, {
        family: 'recommender',
        modelVersion: served.version,
        featureSnapshotId: answer.featureSnapshotId,
        defaultedFeatures: [],
        subject: `itinerary:${id}`,
        input: features,
        features,
        response: { items: answer.items.map((item) => [item.itineraryId, item.similarity]) },
      });
      return answer;
    },
  );
};
