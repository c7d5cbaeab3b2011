import type { BusinessRules } from './business-rules.ts';
import type { Interaction } from './interactions.ts';
import { averagePrecision, hit, ndcg } from './ranking-metrics.ts';
import type { ItineraryRecommender } from './recommender.ts';

/**
 * The offline protocol. Train on interactions before a cut-off date; for every customer with a positive interaction
 * after it, rank the whole catalogue (no sampled negatives, which flatter every model) leaving out what the customer
 * already interacted with in training, and score the top k against the itineraries they newly turned to.
 * Customers new after the cut-off are kept: they get the cold-start ranking, as they would in production.
 * An itinerary first seen after the cut-off stays relevant though no model can rank it, so scores are not inflated.
 */
export interface RankingReport {
  hitRate: number;
  ndcg: number;
  map: number;
  /** Share of the catalogue that appears in at least one customer's top k. */
  coverage: number;
  customers: number;
}

/** Per customer, the itineraries they turned to after the cut-off and had not touched before it. */
export function heldOutTargets(test: readonly Interaction[], seenInTraining: (userId: string) => readonly string[]): Map<string, Set<string>> {
  const targets = new Map<string, Set<string>>();
  for (const it of test) {
    if (!(it.weight > 0)) continue;
    let set = targets.get(it.userId);
    if (!set) targets.set(it.userId, (set = new Set()));
    set.add(it.itemId);
  }
  for (const [userId, set] of targets) {
    for (const seen of seenInTraining(userId)) set.delete(seen);
    if (set.size === 0) targets.delete(userId);
  }
  return targets;
}

/**
 * The rules every served list applies that do not depend on the request (availability and budget do): what the
 * customer took is left out. The evaluation ranks with exactly these, so its NDCG measures the lists that are served.
 */
export const SERVED_RULES: BusinessRules = { excludeInteracted: true };

export function evaluateRanking(model: ItineraryRecommender, test: readonly Interaction[], k: number): RankingReport {
  const targets = heldOutTargets(test, (userId) => model.interactedItems(userId));
  const catalogue = model.itemIds;
  const offered = new Uint8Array(catalogue.length);
  const scores = new Float32Array(catalogue.length);
  let hits = 0;
  let gain = 0;
  let precision = 0;
  for (const [userId, relevant] of targets) {
    const { top } = model.rank(userId, k, SERVED_RULES, undefined, scores);
    for (const i of top) offered[i] = 1;
    const ranked = Array.from(top, (i) => catalogue[i]);
    hits += hit(ranked, relevant);
    gain += ndcg(ranked, relevant, k);
    precision += averagePrecision(ranked, relevant, k);
  }
  const n = targets.size;
  const coverage = offered.reduce((a, b) => a + b, 0) / Math.max(1, catalogue.length);
  return { hitRate: n ? hits / n : 0, ndcg: n ? gain / n : 0, map: n ? precision / n : 0, coverage, customers: n };
}
