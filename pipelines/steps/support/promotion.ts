import type { PromotionRule } from '../../../models/registry/promotion-rule.ts';

/**
 * How each family's new versions are judged. `rule` goes to the registry (promote when not worse than the champion
 * on the same holdout); `baseline` names the metric of the simple method the version must beat on its own holdout,
 * which decides when the holdout window has moved on and the champion's score is no longer comparable.
 */
export interface FamilyPromotion {
  family: string;
  rule: PromotionRule;
  baseline: string;
}

export const FAMILY_PROMOTIONS: readonly FamilyPromotion[] = [
  { family: 'segmentation', rule: { metric: 'heldout_silhouette', direction: 'higher', tolerance: 0.02 }, baseline: 'customer_type_silhouette' },
  { family: 'price', rule: { metric: 'rmse', direction: 'lower', tolerance: 0.01 }, baseline: 'cost_plus_rmse' },
  { family: 'recommender', rule: { metric: 'ndcg10', direction: 'higher', tolerance: 0.01 }, baseline: 'popularity_ndcg10' },
  { family: 'demand', rule: { metric: 'mase', direction: 'lower', tolerance: 0.01 }, baseline: 'seasonal_naive_mase' },
  { family: 'nlu', rule: { metric: 'intent_macro_f1', direction: 'higher', tolerance: 0.01 }, baseline: 'keyword_intent_macro_f1' },
];

/** Whether a version's metrics beat its baseline (strictly, in the rule's direction). */
export function beatsBaseline(metrics: Record<string, number>, p: FamilyPromotion): boolean {
  const value = metrics[p.rule.metric];
  const baseline = metrics[p.baseline];
  if (value === undefined || baseline === undefined) return false;
  return p.rule.direction === 'lower' ? value < baseline : value > baseline;
}
