import { compareRecommenders } from '../models/recommender/comparison.ts';
import { travelWorld, worldHoldout } from '../models/recommender/travel-world.ts';
const world = travelWorld({ customers: 3000, itineraries: 300, eventsPerCustomer: 12, seed: 1 });
const { train, test } = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
const t = performance.now();
const r = await compareRecommenders({ train, test, items: world.items, customers: world.customers }, 10, { fixed: { seed: 3 }, maxPasses: 1 });
for (const [a, x] of Object.entries(r.results)) console.log(a, JSON.stringify(x.tuned), 'val', x.validation.ndcg.toFixed(4), x.validation.customers, 'test', x.test.ndcg.toFixed(4), x.test.customers, 'tune s', x.tuningSeconds.toFixed(1), x.trials);
console.log(r.chosen, ((performance.now() - t) / 1000).toFixed(1));
