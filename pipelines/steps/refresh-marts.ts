import type { Step } from '../step.ts';
import { REFRESHABLE_MARTS, refreshMarts } from '../warehouse/marts.ts';

const marts = Object.keys(REFRESHABLE_MARTS);

/**
 * The analysts' marts, rebuilt from what the run copied and trained. A step of the graph rather than a call after
 * one runner's ingest, so a run on BullMQ workers (the quarter-hourly schedule) leaves them as fresh as one in
 * process. It runs after the trainings too because two marts read their batch outputs (forecasts,
 * recommendations); the ingest schedule selects it with `ingest`, so it does not wait for them there.
 */
export const refreshMartsStep: Step = {
  name: 'refresh-marts',
  description: 'Rebuilds the analysts’ marts (bookings by destination, pace, revenue, forecast accuracy, recommendation coverage) from the warehouse',
  reads: [...new Set(Object.values(REFRESHABLE_MARTS).flat())].map((table) => `ch:${table}`),
  writes: marts.map((mart) => `ch:${mart}`),
  after: ['ingest', 'train-demand', 'train-recommender'],
  async run(ctx) {
    await refreshMarts(ctx.clickhouse);
    return { outputs: { marts: marts.length } };
  },
};
