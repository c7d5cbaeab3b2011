import type { Step } from '../step.ts';
import { buildCustomerFeatures, buildDemandSeries, buildInteractions, buildPriceTrainingRows } from '../../features/build-feature-tables.ts';
import { defaultAsOf, recordFeatureBuild } from '../../features/feature-builds.ts';
import { DEFAULT_CONFIDENCE } from '../../models/recommender/confidence.ts';
import { dateParam } from './support/step-params.ts';

/**
 * Rebuilds every feature table from the warehouse (features/README.md): the price training rows point in time, and
 * customer features, interactions and demand series as of one moment (`asOf` parameter, default: after the last
 * fact ingested, never later than now). Each table is swapped in whole. The interactions are weighted by the
 * recommender's confidence settings, handed to features here.
 */
export const buildFeaturesStep: Step = {
  name: 'build-features',
  description: 'Feature tables from the warehouse: price rows as of each quotation, customer features, interactions, demand series',
  reads: [
    'ch:bookings', 'ch:booking_status_history', 'ch:quotations', 'ch:ratings', 'ch:customers', 'ch:customer_group_profiles',
    'ch:destinations', 'ch:itineraries', 'ch:itinerary_components', 'ch:departures',
  ],
  writes: ['ch:price_training_rows', 'ch:customer_features', 'ch:customer_itinerary_interactions', 'ch:demand_series', 'ch:feature_builds'],
  after: ['ingest'],
  async run(ctx) {
    const client = ctx.clickhouse;
    const asOf = dateParam(ctx, 'asOf') ?? (await defaultAsOf(client));
    const outputs: Record<string, string | number> = { asOf: asOf.toISOString() };
    const builds = [
      ['price_training_rows', () => buildPriceTrainingRows(client, asOf)],
      ['customer_features', () => buildCustomerFeatures(client, asOf)],
      ['customer_itinerary_interactions', () => buildInteractions(client, asOf, DEFAULT_CONFIDENCE)],
      ['demand_series', () => buildDemandSeries(client, asOf)],
    ] as const;
    for (const [table, build] of builds) {
      const started = performance.now();
      const { rows } = await build();
      await recordFeatureBuild(client, table, asOf, rows, ctx.runId);
      ctx.log.info('feature table built', { table, rows, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
      outputs[table] = rows;
    }
    return { outputs };
  },
};
