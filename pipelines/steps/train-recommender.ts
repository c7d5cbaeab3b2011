import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { firstFactAt, latestFeatureBuild } from '../../features/feature-builds.ts';
import { bookingsBetween, interactionsAsOf, INTERACTIONS_VERSION, readInteractions } from '../../features/interactions.ts';
import { readCustomerProfiles, readItineraryCatalogue } from '../../features/recommender-catalogue.ts';
import { compareRecommenders } from '../../models/recommender/evaluation.ts';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { recommenderFingerprint } from '../../models/recommender/recommender-fingerprint.ts';
import { scoreAllCustomers } from '../../models/recommender/batch-scoring.ts';
import { newestComplete, writeBatch } from './support/batch-output.ts';
import { holdoutWindow } from './support/holdout-window.ts';
import { intParam, seedParam } from './support/step-params.ts';

/**
 * The itinerary recommender (issue 4). Evaluation by the family's protocol: popularity, SVD and ALS learn from the
 * interactions known before the held-out months and rank the whole catalogue for every customer who booked in them;
 * the best by NDCG@10 is chosen, refitted on the interactions as of the feature build, registered, and every
 * customer's top 50 (what they already interacted with and inactive itineraries left out) goes to
 * customer_recommendations with the version.
 */
/**
 * A factor per six itineraries, from 4 to 32: a small catalogue has few tastes to tell apart and spare factors fit
 * noise (test world, 54 itineraries, held-out NDCG@10: 8 factors 0.37, 16 factors 0.33, 32 factors 0.34, segment
 * popularity 0.30); the family's default of 32 was tuned on 300 itineraries and is what catalogues of 192 or more get.
 */
export function defaultFactors(itineraries: number): number {
  return Math.min(32, Math.max(4, Math.round(itineraries / 6)));
}

export const trainRecommenderStep: Step = {
  name: 'train-recommender',
  description: 'Recommender: popularity / SVD / implicit ALS compared on held-out bookings, the best refitted, top 50 per customer written',
  reads: ['ch:customer_itinerary_interactions', 'ch:bookings', 'ch:quotations', 'ch:ratings', 'ch:booking_status_history', 'ch:itineraries', 'ch:customers', 'ch:customer_segments'],
  writes: ['model:recommender', 'ch:customer_recommendations'],
  after: ['build-features', 'train-segments'],
  heavy: true,
  async run(ctx) {
    const client = ctx.clickhouse;
    const seed = seedParam(ctx);
    const topK = intParam(ctx, 'recommendationsPerCustomer', 50, 1, 100);
    const build = await latestFeatureBuild(client, 'customer_itinerary_interactions');
    const window = holdoutWindow('recommender', build.asOf, intParam(ctx, 'holdoutMonths', 3, 1, 24));

    const { items, inactive } = await readItineraryCatalogue(client);
    const params = {
      seed,
      factors: intParam(ctx, 'recommenderFactors', defaultFactors(items.length), 1, 512),
      iterations: intParam(ctx, 'recommenderIterations', 12, 1, 1000),
    };
    const customers = await readCustomerProfiles(client, await newestComplete(client, 'customer_segments'));
    const train = await interactionsAsOf(client, window.from);
    const test = await bookingsBetween(client, window.from, window.to);
    if (train.length === 0 || test.length === 0) {
      throw new InputError(`recommender: ${train.length} interactions before ${window.id} and ${test.length} bookings in it; both are needed`, 'customer_itinerary_interactions');
    }
    const comparison = await compareRecommenders({ train, test, items, customers }, 10, params);
    const chosen = comparison.results[comparison.chosen];

    const model = await new ItineraryRecommender({ ...params, algorithm: comparison.chosen }).fit({ interactions: await readInteractions(client), items, customers });
    const metrics = {
      ndcg10: chosen.ndcg,
      hr10: chosen.hitRate,
      map10: chosen.map,
      coverage10: chosen.coverage,
      popularity_ndcg10: comparison.results.popularity.ndcg,
      svd_ndcg10: comparison.results.svd.ndcg,
      als_ndcg10: comparison.results.als.ndcg,
      popularity_hr10: comparison.results.popularity.hitRate,
      customers_evaluated: chosen.customers,
    };
    const version = await ctx.registry.register({
      artifact: model.toArtifact(),
      dataWindow: { from: await firstFactAt(client), to: build.asOf },
      featuresVersion: INTERACTIONS_VERSION,
      fingerprint: recommenderFingerprint(model, INTERACTIONS_VERSION),
      metrics,
      holdoutId: window.id,
      compress: true,
    });
    async function* rows() {
      for await (const chunk of scoreAllCustomers(model, { k: topK, rules: { excludeInteracted: true, exclude: inactive } })) {
        yield chunk.map((r) => ({ customer_id: Number(r.userId), rank: r.rank, itinerary_id: Number(r.itemId), score: r.score }));
      }
    }
    const batch = await writeBatch(client, 'customer_recommendations', version.version, ctx.runId, rows(), await ctx.registry.aliases('recommender'));
    return {
      outputs: {
        version: version.version,
        algorithm: comparison.chosen,
        factors: params.factors,
        holdout: window.id,
        ndcg10: Number(chosen.ndcg.toFixed(4)),
        popularityNdcg10: Number(comparison.results.popularity.ndcg.toFixed(4)),
        svdNdcg10: Number(comparison.results.svd.ndcg.toFixed(4)),
        customersEvaluated: chosen.customers,
        recommendations: batch.rows,
      },
    };
  },
};
