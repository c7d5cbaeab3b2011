import { splitAtCutoff } from '../models/recommender/interaction-matrix.ts';
import { purchaseWorld } from '../models/recommender/purchase-world.ts';
import { ItineraryRecommender } from '../models/recommender/recommender.ts';
import { evaluateRanking } from '../models/recommender/evaluation.ts';
import { latestPerCustomer } from '../models/recommender/validation-split.ts';
const rows = purchaseWorld({ customers: 1500, products: 250, purchasesPerCustomer: 12, seed: 41 });
const { train, test } = splitAtCutoff(rows, new Date('2025-12-01T00:00:00Z'));
const split = latestPerCustomer(train);
for (const [alg, extra] of [['ease', { easeLambda: 300 }], ['als', { regularization: 30, factors: 64 }]] as const) {
  const full = await new ItineraryRecommender({ algorithm: alg, ...extra }).fit({ interactions: train });
  const part = await new ItineraryRecommender({ algorithm: alg, ...extra }).fit({ interactions: split.fit });
  for (const hl of [7, 30, 120]) {
    const line = [];
    for (const b of [0, 0.03, 0.1, 0.3, 1, 3]) {
      const v = evaluateRanking(part.withRecencyBlend({ interactions: split.fit }, b, hl), split.validation, 10).ndcg;
      const t = evaluateRanking(full.withRecencyBlend({ interactions: train }, b, hl), test, 10).ndcg;
      line.push(`${b}:${v.toFixed(3)}/${t.toFixed(3)}`);
    }
    console.log(alg, hl, line.join(' '));
  }
}
