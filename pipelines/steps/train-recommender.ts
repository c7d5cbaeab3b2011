import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { firstFactAt, latestFeatureBuild } from '../../features/feature-builds.ts';
import { bookingsBetween, interactionsAsOf, INTERACTIONS_VERSION, readInteractions } from '../../features/interactions.ts';
import { readCustomerProfiles, readItineraryCatalogue } from '../../features/recommender-catalogue.ts';
import { compareRecommenders } from '../../models/recommender/comparison.ts';
import { DEFAULT_CONFIDENCE } from '../../models/recommender/confidence.ts';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { recommenderFingerprint } from '../../models/recommender/recommender-fingerprint.ts';
import { scoreAllCustomers } from '../../models/recommender/batch-scoring.ts';
import { newestComplete, writeBatch } from './support/batch-output.ts';
import { holdoutWindow } from './support/holdout-window.ts';
import { profilesAsOf } from './support/segments-as-of.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { runParam, seedParam } from './support/step-params.ts';

/**
 * The itinerary recommender (issues 4 and 24). Every algorithm of the family learns from the interactions known
 * before the held-out months, its hyperparameters tuned on a validation split of those interactions (each customer's
 * latest ones); the best by validation NDCG@10 is chosen. Its figures on the held-out months (every customer who
 * booked in them, the whole catalogue ranked) are reported, never used to choose. The choice is refitted with the
 * chosen values on the interactions as of the feature build and registered with them and its validation score, and
 * every customer's top 50 (what they already interacted with and inactive itineraries left out) goes to
 * customer_recommendations with the version.
 */
const metricName = (algorithm: string) => algorithm.replace(/-/g, '_');
const PARAMS = MODEL_FAMILIES.recommender.params;

export const trainRecommenderStep: Step = {
  name: 'train-recommender',
  description: 'Recommender: every algorithm tuned on a validation split, the best on validation refitted and scored on held-out bookings, top 50 per customer written',
  reads: ['ch:customer_itinerary_interactions', 'ch:bookings', 'ch:quotations', 'ch:ratings', 'ch:booking_status_history', 'ch:itineraries', 'ch:customers', 'ch:customer_segments'],
  writes: ['model:recommender', 'ch:customer_recommendations'],
  after: ['build-features', 'train-segments'],
  heavy: true,
  async run(ctx) {
    const client = ctx.clickhouse;
    const seed = seedParam(ctx);
    const topK = runParam(ctx, PARAMS.perCustomer);
    const build = await latestFeatureBuild(client, 'customer_itinerary_interactions');
    const window = holdoutWindow('recommender', build.asOf, runParam(ctx, PARAMS.holdoutMonths));

    const { items, inactive } = await readItineraryCatalogue(client);
    // Factors and iterations are tuned unless the run holds them.
    const fixed = {
      seed,
      ...(ctx.params[PARAMS.factors.name] !== undefined ? { factors: runParam(ctx, PARAMS.factors) } : {}),
      ...(ctx.params[PARAMS.iterations.name] !== undefined ? { iterations: runParam(ctx, PARAMS.iterations) } : {}),
    };
    // Customers' groups come from the newest complete segments batch: its segmentation version is this one's upstream.
    const segmentsVersion = await newestComplete(client, 'customer_segments');
    const customers = await readCustomerProfiles(client, segmentsVersion);
    // Scored on the held-out window, customers have the segments they had when it began.
    const customersAtWindow = segmentsVersion ? await profilesAsOf(client, ctx.registry, segmentsVersion, customers, window.from) : customers;
    const train = await interactionsAsOf(client, window.from, DEFAULT_CONFIDENCE);
    const test = await bookingsBetween(client, window.from, window.to);
    if (train.length === 0 || test.length === 0) {
      throw new InputError(`recommender: ${train.length} interactions before ${window.id} and ${test.length} bookings in it; both are needed`, 'customer_itinerary_interactions');
    }
    // The held-out months are scored on bookings, so validation is too.
    // Each pass of the search refits ALS once per value it tries: a large export may want fewer (0: the defaults).
    const maxPasses = runParam(ctx, PARAMS.tuningPasses);
    const comparison = await compareRecommenders({ train, test, items, customers: customersAtWindow }, 10, { fixed, maxPasses, isTarget: (row) => row.kind === 'booking' });
    const chosen = comparison.results[comparison.chosen]!;

    const model = await new ItineraryRecommender({ ...fixed, ...chosen.tuned, algorithm: comparison.chosen }).fit({ interactions: await readInteractions(client), items, customers });
    const metrics: Record<string, number> = {
      ndcg10: chosen.test.ndcg,
      hr10: chosen.test.hitRate,
      map10: chosen.test.map,
      coverage10: chosen.test.coverage,
      validation_ndcg10: chosen.validation.ndcg,
      validation_customers: chosen.validation.customers,
      customers_evaluated: chosen.test.customers,
    };
    for (const [algorithm, r] of Object.entries(comparison.results)) {
      metrics[`${metricName(algorithm)}_ndcg10`] = r.test.ndcg;
      metrics[`${metricName(algorithm)}_hr10`] = r.test.hitRate;
      metrics[`${metricName(algorithm)}_validation_ndcg10`] = r.validation.ndcg;
    }
    const version = await ctx.registry.register({
      artifact: model.toArtifact(),
      dataWindow: { from: await firstFactAt(client), to: build.asOf },
      featuresVersion: INTERACTIONS_VERSION,
      fingerprint: recommenderFingerprint(model, INTERACTIONS_VERSION),
      metrics,
      holdoutId: window.id,
      ...(segmentsVersion ? { upstream: { segmentation: segmentsVersion } } : {}),
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
        tuned: JSON.stringify(chosen.tuned),
        holdout: window.id,
        validationNdcg10: Number(chosen.validation.ndcg.toFixed(4)),
        ndcg10: Number(chosen.test.ndcg.toFixed(4)),
        popularityNdcg10: Number(comparison.results.popularity!.test.ndcg.toFixed(4)),
        customersEvaluated: chosen.test.customers,
        recommendations: batch.rows,
      },
    };
  },
};
