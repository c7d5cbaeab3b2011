import { InputError } from '../../platform/errors.ts';
import type { ModelVersion } from './model-version.ts';

/**
 * When a freshly trained version may replace the champion without a person looking: only when it is not worse
 * on the same holdout. `tolerance` is relative to the champion's value (0.02 accepts up to 2% worse), so one
 * rule reads the same for an RMSE in USD and for a silhouette between -1 and 1.
 */
export interface PromotionRule {
  metric: string;
  direction: 'lower' | 'higher';
  tolerance: number;
  /**
   * The metric, recorded with each version, of the simple method it was scored against on the same holdout
   * (cost_plus_rmse, popularity_ndcg10…). With no champion to compare with, it is the only yardstick: a first
   * version worse than it is not served, since the simple method would have done better.
   */
  baseline?: string;
}

export type PromotionOutcome = 'promoted' | 'challenger' | 'unchanged';

export interface PromotionVerdict {
  outcome: PromotionOutcome;
  reason: string;
  candidateValue: number | null;
  championValue: number | null;
  /** The candidate's baseline metric, when the rule names one and the decision used it (no champion yet). */
  baselineValue?: number | null;
}

export function checkPromotionRule(rule: PromotionRule): void {
  if (!rule || typeof rule.metric !== 'string' || rule.metric === '') throw new InputError('rule.metric must name a metric, e.g. rmse', 'rule.metric');
  if (rule.direction !== 'lower' && rule.direction !== 'higher') {
    throw new InputError(`rule.direction must be lower or higher, got ${String(rule.direction)}`, 'rule.direction');
  }
  if (typeof rule.tolerance !== 'number' || !(rule.tolerance >= 0 && rule.tolerance < 1)) {
    throw new InputError(`rule.tolerance must be a fraction in [0, 1), got ${String(rule.tolerance)}`, 'rule.tolerance');
  }
  if (rule.baseline !== undefined && (typeof rule.baseline !== 'string' || rule.baseline === '')) {
    throw new InputError('rule.baseline must name a metric, e.g. cost_plus_rmse', 'rule.baseline');
  }
}

/** True when `candidate` is no worse than `champion` under the rule. */
export function notWorse(candidate: number, champion: number, rule: PromotionRule): boolean {
  const slack = rule.tolerance * Math.abs(champion);
  return rule.direction === 'lower' ? candidate <= champion + slack : candidate >= champion - slack;
}

export function judgePromotion(candidate: ModelVersion, champion: ModelVersion | undefined, rule: PromotionRule): PromotionVerdict {
  checkPromotionRule(rule);
  const candidateValue = candidate.metrics[rule.metric];
  if (candidateValue === undefined) {
    throw new InputError(`${candidate.version} has no metric "${rule.metric}" (it has ${Object.keys(candidate.metrics).join(', ') || 'none'})`, 'rule.metric');
  }
  if (!champion) return judgeFirstVersion(candidate, candidateValue, rule);
  if (champion.version === candidate.version) {
    return { outcome: 'unchanged', reason: `${candidate.version} is already the champion`, candidateValue, championValue: candidateValue };
  }
  const championValue = champion.metrics[rule.metric];
  if (championValue === undefined) {
    return { outcome: 'challenger', reason: `champion ${champion.version} has no metric "${rule.metric}" to compare with`, candidateValue, championValue: null };
  }
  if (champion.holdoutId !== candidate.holdoutId) {
    return {
      outcome: 'challenger',
      reason: `holdouts differ (${candidate.holdoutId} vs champion's ${champion.holdoutId}): scores are not comparable`,
      candidateValue,
      championValue,
    };
  }
  const better = rule.direction === 'lower' ? '≤' : '≥';
  if (notWorse(candidateValue, championValue, rule)) {
    return {
      outcome: 'promoted',
      reason: `${rule.metric} ${candidateValue} ${better} champion's ${championValue} (tolerance ${rule.tolerance})`,
      candidateValue,
      championValue,
    };
  }
  return {
    outcome: 'challenger',
    reason: `${rule.metric} ${candidateValue} is worse than champion's ${championValue} (tolerance ${rule.tolerance})`,
    candidateValue,
    championValue,
  };
}

/**
 * A version with no champion to compare with: promoted unless it is worse than the baseline recorded with it, on
 * its own holdout, by more than the rule's tolerance. One that is worse becomes the challenger, for a person to promote by hand if they want it
 * served anyway (the family's routes answer 503 "no champion" meanwhile). A version that recorded no baseline
 * (or a rule that names none) is promoted as before: there is nothing to hold it to.
 */
function judgeFirstVersion(candidate: ModelVersion, candidateValue: number, rule: PromotionRule): PromotionVerdict {
  const baselineValue = rule.baseline === undefined ? undefined : candidate.metrics[rule.baseline];
  if (rule.baseline === undefined || baselineValue === undefined) return { outcome: 'promoted', reason: 'no champion yet', candidateValue, championValue: null };
  // Held to the baseline as it would be to a champion, tolerance included: a difference within it is noise.
  if (notWorse(candidateValue, baselineValue, rule)) {
    return {
      outcome: 'promoted',
      reason: `no champion yet; ${rule.metric} ${candidateValue} is not worse than its baseline's ${baselineValue} (${rule.baseline}, tolerance ${rule.tolerance})`,
      candidateValue,
      championValue: null,
      baselineValue,
    };
  }
  return {
    outcome: 'challenger',
    reason:
      `no champion yet, but ${rule.metric} ${candidateValue} is worse than its baseline's ${baselineValue} (${rule.baseline}, tolerance ${rule.tolerance}) on ${candidate.holdoutId}: ` +
      `not served; promote it by hand (spirit-ml models promote ${candidate.family} ${candidate.version}) to serve it anyway`,
    candidateValue,
    championValue: null,
    baselineValue,
  };
}
