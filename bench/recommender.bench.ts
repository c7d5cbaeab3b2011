/**
 * `npm run bench -- recommender`: the itinerary recommender against its goals.
 * Goals: ALS training at 100,000 customers x 2,000 itineraries x 1,000,000 interactions under 30 s on two cores;
 * top-10 with business rules for one customer under 2 ms at p99. Baselines in the same run: popularity and
 * randomised SVD training time, ALS on one worker (the speed-up of two), and NDCG@10 of all three at the family
 * defaults on a time split of the same synthetic world, validation and test apart, the choice made on validation.
 * `--scale small` is 10x smaller on every axis but the factors. Tuned quality is recommender-quality.bench.ts.
 */
import type { BenchContext } from './run.ts';
import { compareRecommenders } from '../models/recommender/comparison.ts';
import type { Interaction } from '../models/recommender/interactions.ts';
import { ItineraryRecommender } from '../models/recommender/recommender.ts';
import { travelWorld, worldHoldout } from '../test/worlds/travel-world.ts';
import { mulberry32 } from '../platform/random.ts';

export const title = 'Itinerary recommender: implicit ALS training time, top-k latency with rules, NDCG vs popularity and SVD';

const KIND_WEIGHT = { booking: 5, quotation: 1, rating: 2, cancellation: 0 };

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, Number(((performance.now() - t) / 1000).toFixed(2))];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const divisor = ctx.scale === 'small' ? 10 : 1;
  const customers = 100_000 / divisor;
  const itineraries = 2_000 / divisor;
  const world = travelWorld({ customers, itineraries, eventsPerCustomer: 10, seed: 11 });
  // One interaction per event, as ClickHouse would export them: repeats are summed when the matrix is built.
  const interactions: Interaction[] = world.events.map((e) => ({ userId: e.userId, itemId: e.itemId, weight: KIND_WEIGHT[e.kind], ts: e.ts, kind: e.kind }));
  ctx.log(`${customers} customers, ${itineraries} itineraries, ${interactions.length} interactions`);
  const data = { interactions, items: world.items, customers: world.customers };

  const [als, alsSeconds] = await timed(() => new ItineraryRecommender({ seed: 1, workers: 2 }).fit(data));
  ctx.log(`ALS on two workers: ${alsSeconds} s`);
  const [, alsOneWorkerSeconds] = await timed(() => new ItineraryRecommender({ seed: 1, workers: 1 }).fit(data));
  const [, svdSeconds] = await timed(() => new ItineraryRecommender({ algorithm: 'svd', seed: 1 }).fit(data));
  const [, popularitySeconds] = await timed(() => new ItineraryRecommender({ algorithm: 'popularity' }).fit(data));

  // Top-10 for one customer with every kind of rule, as the quotation engine asks it.
  const rng = mulberry32(5);
  const open = new Set(world.items.filter(() => rng() < 0.7).map((i) => i.itemId));
  const latencies: number[] = [];
  for (let q = 0; q < 3000; q++) {
    const userId = als.customerIds[Math.floor(rng() * als.customerIds.length)];
    const booked = als.interactedItems(userId).slice(0, 2);
    const t = performance.now();
    als.recommend(userId, 10, { bookedThisSeason: booked, available: open, maxPrice: 2500, serviceLevels: ['standard', 'superior'], exclude: ['IT00000'] });
    latencies.push(performance.now() - t);
  }
  const measured = latencies.slice(500).sort((a, b) => a - b);

  const { train, test } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
  // Family defaults, no search: at this size a tuning run is the quality bench's job (recommender-quality.bench.ts).
  const comparison = await compareRecommenders({ train, test, items: world.items, customers: world.customers }, 10, { fixed: { seed: 1 }, maxPasses: 0, algorithms: ['als', 'svd', 'popularity'] });
  const quality = Object.fromEntries(
    Object.entries(comparison.results).map(([name, r]) => [
      name,
      { validationNdcg10: Number(r.validation.ndcg.toFixed(4)), ndcg10: Number(r.test.ndcg.toFixed(4)), hr10: Number(r.test.hitRate.toFixed(4)), map10: Number(r.test.map.toFixed(4)), coverage: Number(r.test.coverage.toFixed(3)) },
    ]),
  );

  return {
    customers,
    itineraries,
    interactions: interactions.length,
    storedPairs: als.summary.interactions,
    factors: als.params.factors,
    iterations: als.params.iterations,
    alsTwoWorkersSeconds: alsSeconds,
    alsTrainGoalSeconds: 30,
    alsOneWorkerSeconds,
    workerSpeedup: Number((alsOneWorkerSeconds / alsSeconds).toFixed(2)),
    svdTrainSeconds: svdSeconds,
    popularityTrainSeconds: popularitySeconds,
    top10WithRulesP50Ms: Number(percentile(measured, 0.5).toFixed(3)),
    top10WithRulesP99Ms: Number(percentile(measured, 0.99).toFixed(3)),
    top10GoalP99Ms: 2,
    holdoutCustomers: comparison.results.als!.test.customers,
    quality,
    chosenByValidationNdcg10: comparison.chosen,
  };
}
