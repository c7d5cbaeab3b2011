import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ACCESS } from '../../platform/http/roles.ts';
import type { RouteOptions } from '../context.ts';
import { dateWindow, departuresAhead, today } from '../http/date-window.ts';
import { sendSerialized } from '../http/send-serialized.ts';
import { errorResponses, SCORED_ERRORS } from '../../contract/common.ts';
import { RecommendationParams, RecommendationQuery, RecommendationsSchema, SimilarItineraries, SimilarParams, SimilarQuery } from '../../contract/recommendations.ts';
import { EncodedParts, recordAvailabilityOnce, recordScored } from '../request-log/record-scored.ts';
import { loggedRecommendations, recommendItineraries, type ScoredRecommendations } from '../scoring/recommendations.ts';
import { similarItineraries } from '../scoring/similar-itineraries.ts';

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
      const day = today();
      const window = departuresAhead(dateWindow(request.query.from, request.query.to, { from: day, days: 180 }), day);
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
      const { id } = request.params;
      const { answer, features } = similarItineraries(ctx, id, request.query.k ?? 10);
      recordScored(ctx, request, reply, {
        family: 'recommender',
        modelVersion: answer.modelVersion,
        featureSnapshotId: answer.featureSnapshotId,
        defaultedFeatures: [],
        subject: `itinerary:${id}`,
        input: { itineraryId: id, k: request.query.k ?? 10 },
        features,
        response: { items: answer.items.map((item) => [item.itineraryId, item.similarity]) },
      });
      return answer;
    },
  );
};
