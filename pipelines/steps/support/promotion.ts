import { MODEL_FAMILIES, type ModelFamilies, type ModelFamily } from '../../../models/families.ts';

/**
 * How each family's new versions are judged: models/families.ts gives each family's `promotion` — the registry's rule
 * (promote when not worse than the champion on the same holdout) and the baseline metric the version must beat on
 * its own holdout, which decides when the holdout window has moved on and the champion's score is no longer comparable.
 */
export interface FamilyPromotion {
  family: string;
  rule: ModelFamily['promotion']['rule'];
  baseline: string;
}

export function promotionsOf(families: ModelFamilies): FamilyPromotion[] {
  return Object.values(families).map((f) => ({ family: f.name, ...f.promotion }));
}

export const FAMILY_PROMOTIONS: readonly FamilyPromotion[] = promotionsOf(MODEL_FAMILIES);

/** Whether a version's metrics beat its baseline (strictly, in the rule's direction). */
export function beatsBaseline(metrics: Record<string, number>, p: FamilyPromotion): boolean {
  const value = metrics[p.rule.metric];
  const baseline = metrics[p.baseline];
  if (value === undefined || baseline === undefined) return false;
  return p.rule.direction === 'lower' ? value < baseline : value > baseline;
}
