/**
 * `npm run bench -- recommender-quality`: the recommender the nightly step would serve ("ours": every algorithm
 * tuned on a validation split of the training data, blends and segments included, the best on validation) next to
 * the baselines of issue 24 measured in the same run on the same splits: iALS and EASE tuned on the same validation
 * split without blends or segments, popularity (by segment where customers have one) and recency-aware popularity.
 * Two small generated sets with different structure: the travel world (tastes, customers of a segment alike, no
 * drift, summed pairs; itinerary descriptions and customer profiles passed, as the nightly step passes them) and the
 * purchase world (categories, products that launch and fade, single purchases, repeats, no profiles). Test figures
 * are on the period after the cut-off; nothing is chosen on it.
 */
import type { BenchContext } from './run.ts';
import { compareRecommenders, type ModelComparison } from '../models/recommender/comparison.ts';
import { splitAtCutoff } from '../models/recommender/interaction-matrix.ts';
import type { ItineraryInfo } from '../models/recommender/catalogue.ts';
import type { CustomerProfile } from '../models/recommender/cold-start.ts';
import type { Interaction } from '../models/recommender/interactions.ts';
import { purchaseWorld } from '../test/worlds/purchase-world.ts';
import { travelWorld, worldHoldout } from '../test/worlds/travel-world.ts';

export const title = 'Recommender quality: ours (validation-chosen, self-tuned) vs tuned iALS, tuned EASE, popularity, recent popularity';

const K = 10;
const round = (x: number) => Number(x.toFixed(4));

interface Dataset {
  name: string;
  train: Interaction[];
  test: Interaction[];
  /** What the nightly step passes too: itinerary descriptions and customer profiles (segment, home market). */
  items?: ItineraryInfo[];
  customers?: CustomerProfile[];
}

function datasets(scale: 'small' | 'full'): Dataset[] {
  const f = scale === 'small' ? 0.5 : 1;
  const travel = travelWorld({ customers: Math.round(2500 * f), itineraries: 200, eventsPerCustomer: 10, seed: 31 });
  const purchases = purchaseWorld({ customers: Math.round(2500 * f), products: 400, purchasesPerCustomer: 12, seed: 32 });
  const cut = splitAtCutoff(purchases, new Date('2025-12-01T00:00:00Z'));
  return [
    { name: 'travel world', ...worldHoldout(travel, new Date('2025-10-20T00:00:00Z')), items: travel.items, customers: travel.customers },
    { name: 'purchase world', train: cut.train, test: cut.test },
  ];
}

function row(c: ModelComparison, algorithm: keyof ModelComparison['results']) {
  const r = c.results[algorithm]!;
  return { tuned: r.tuned, validationNdcg10: round(r.validation.ndcg), ndcg10: round(r.test.ndcg), hr10: round(r.test.hitRate), tuningSeconds: Number(r.tuningSeconds.toFixed(1)) };
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const started = performance.now();
  for (const data of datasets(ctx.scale)) {
    const users = new Set(data.train.map((r) => r.userId)).size;
    const items = new Set(data.train.map((r) => r.itemId)).size;
    ctx.log(`${data.name}: ${users} customers, ${items} items, ${data.train.length} train rows, ${data.test.length} test rows`);
    const ours = await compareRecommenders(data, K, { fixed: { seed: 1 }, maxPasses: 1 });
    // iALS and EASE tuned on the same validation split without blends or segments. One pass of descent visits those
    // after the algorithm's own hyperparameters, so their own search is the first part of ours: the values it reached
    // before them are theirs. They get the same data, so a customer new after the cut-off gets the same cold start.
    const plain = async (algorithm: 'als' | 'ease') => {
      const { recencyBlend: _, halfLifeDays: __, segmentBlend: ___, easeSegmentWeight: ____, ...searched } = ours.results[algorithm]!.tuned;
      const c = await compareRecommenders(data, K, { fixed: { seed: 1, ...searched, recencyBlend: 0, segmentBlend: 0, easeSegmentWeight: 0 }, maxPasses: 0, algorithms: [algorithm] });
      return { ...row(c, algorithm), tuned: searched };
    };
    const ials = await plain('als');
    const ease = await plain('ease');
    const chosen = ours.results[ours.chosen]!;
    const recent = ours.results['recent-popularity']!;
    out[data.name] = {
      data: { customers: users, items, trainRows: data.train.length, testRows: data.test.length, testCustomers: chosen.test.customers },
      ours: { algorithm: ours.chosen, ...row(ours, ours.chosen) },
      'iALS tuned': ials,
      'EASE tuned': ease,
      popularity: row(ours, 'popularity'),
      'recent popularity': row(ours, 'recent-popularity'),
      oursOverBetterOfIalsEase: round(chosen.test.ndcg / Math.max(ials.ndcg10, ease.ndcg10)),
      oursOverRecentPopularity: round(chosen.test.ndcg / recent.test.ndcg),
      everyAlgorithmOfOurs: Object.fromEntries(Object.keys(ours.results).map((a) => [a, row(ours, a as keyof ModelComparison['results'])])),
    };
  }
  out.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  out.goal = 'ours NDCG@10 ≥ 1.05 × the better of tuned iALS and tuned EASE, and above recent popularity, on every set';
  return out;
}
