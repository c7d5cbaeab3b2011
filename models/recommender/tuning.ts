import type { ItineraryInfo } from './catalogue.ts';
import type { CustomerProfile } from './cold-start.ts';
import { evaluateRanking, type RankingReport } from './evaluation.ts';
import type { Interaction } from './interactions.ts';
import { DEFAULT_RECOMMENDER_PARAMS, ItineraryRecommender, type RecommenderAlgorithm, type RecommenderParams } from './recommender.ts';
import { DEFAULT_VALIDATION_SHARE, latestPerCustomer } from './validation-split.ts';

/**
 * Self-tuning: each algorithm's hyperparameters are chosen by NDCG@k on a validation split carved from the training
 * interactions (each customer's latest ones, see validation-split.ts). The tuner is given the training rows only:
 * it has no way to see the test period, so a choice cannot be fitted to it.
 * The search is coordinate descent over a small grid per hyperparameter, from the family defaults: one
 * hyperparameter at a time moves to its best value with the others held, until a full pass changes nothing (or
 * `maxPasses`). Grids are few values spread on a log scale; the ridge terms matter most and get the most values.
 */
export type TunedParam = 'factors' | 'regularization' | 'alpha' | 'iterations' | 'easeLambda' | 'easeSegmentWeight' | 'knnNeighbours' | 'knnShrink' | 'halfLifeDays' | 'recencyBlend' | 'segmentBlend' | 'ensembleWeight';

/** How much recent popularity a personal algorithm adds to its scores, and how recent: tried without refitting. */
/** And how much the popularity in the customer's segment adds (searched only when customers have segments). */
const RECENCY_BLEND = { recencyBlend: [0, 0.03, 0.1, 0.3, 1], halfLifeDays: [7, 30, 120, 365], segmentBlend: [0, 0.1, 0.3, 1, 3, 10] } as const;
const BLEND_PARAMS: readonly TunedParam[] = ['recencyBlend', 'halfLifeDays', 'segmentBlend', 'ensembleWeight'];

export const SEARCH_SPACE: Record<RecommenderAlgorithm, Partial<Record<TunedParam, readonly number[]>>> = {
  als: { regularization: [1, 5, 30, 100, 300], alpha: [1, 5, 10, 40], factors: [16, 32, 64], iterations: [6, 12, 20], ...RECENCY_BLEND },
  svd: { factors: [8, 16, 32, 64, 128], ...RECENCY_BLEND },
  popularity: {},
  'recent-popularity': { halfLifeDays: [7, 14, 30, 60, 120, 365, 3650] },
  ease: { easeLambda: [10, 30, 100, 300, 1000, 3000], easeSegmentWeight: [0, 0.3, 1, 3, 10, 30], ...RECENCY_BLEND },
  'item-knn': { knnNeighbours: [10, 25, 50, 100, 200], knnShrink: [0, 5, 20, 100], ...RECENCY_BLEND },
  // The mix's own weight; comparison.ts holds ALS's and EASE's hyperparameters at the values they were tuned to alone.
  'ease-als': { ensembleWeight: [0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8], ...RECENCY_BLEND },
};

const PERSONAL: readonly RecommenderAlgorithm[] = ['als', 'svd', 'ease', 'item-knn', 'ease-als'];

export interface TuningData {
  /** Training interactions only: the validation split is carved from them. */
  train: readonly Interaction[];
  items?: readonly ItineraryInfo[];
  customers?: readonly CustomerProfile[];
}

export interface TuningOptions {
  /** Held, never searched: the caller's own choices (e.g. `--factors` on the command line) and settings like the seed. */
  fixed?: Partial<Omit<RecommenderParams, 'algorithm'>>;
  /** Share of each customer's latest interactions held out for validation. */
  validationShare?: number;
  /** Full passes of coordinate descent; 0 evaluates the starting values only. */
  maxPasses?: number;
  /**
   * Which held-out rows count as what the customer turned to, so validation asks the question the test asks (the
   * nightly step is tested on bookings: a quotation held out for validation is then left out, not a target).
   */
  isTarget?: (row: Interaction) => boolean;
}

export interface Trial {
  params: Partial<Record<TunedParam, number>>;
  ndcg: number;
}

export interface TuningResult {
  algorithm: RecommenderAlgorithm;
  /** Every hyperparameter of the chosen model, searched or held. */
  params: RecommenderParams;
  /** The searched hyperparameters and their chosen values. */
  tuned: Partial<Record<TunedParam, number>>;
  /** The chosen model's scores on the validation split (fitted without it). */
  validation: RankingReport;
  trials: Trial[];
  seconds: number;
}

export async function tuneRecommender(data: TuningData, algorithm: RecommenderAlgorithm, k: number, options: TuningOptions = {}): Promise<TuningResult> {
  const started = performance.now();
  const split = latestPerCustomer(data.train, options.validationShare ?? DEFAULT_VALIDATION_SHARE);
  const targets = options.isTarget ? split.validation.filter(options.isTarget) : split.validation;
  const fixed = options.fixed ?? {};
  const itemCount = new Set(data.train.map((r) => r.itemId)).size;
  const space = Object.entries(SEARCH_SPACE[algorithm])
    .filter(([name]) => !(name in fixed && fixed[name as TunedParam] !== undefined))
    // Without a blend the half-life of a personal algorithm changes nothing.
    .filter(([name]) => !(name === 'halfLifeDays' && PERSONAL.includes(algorithm) && fixed.recencyBlend === 0))
    // Without segments the segment blend and EASE's segment column change nothing.
    .filter(([name]) => !((name === 'segmentBlend' || name === 'easeSegmentWeight') && !data.customers?.some((c) => c.segment !== undefined)))
    // More factors than itineraries only fit noise.
    .map(([name, values]) => [name as TunedParam, name === 'factors' ? values!.filter((v) => v <= itemCount) : values!] as const)
    .filter(([, values]) => values.length > 0);
  const base: RecommenderParams = { ...DEFAULT_RECOMMENDER_PARAMS, ...fixed, algorithm };

  const trials: Trial[] = [];
  const seen = new Map<string, { ndcg: number; report: RankingReport }>();
  const fitData = { interactions: split.fit, items: data.items, customers: data.customers };
  // The last fitted model, by its hyperparameters other than the blend: descent moves one hyperparameter at a time,
  // so trying the blend's values reuses it.
  let last: { key: string; model: ItineraryRecommender } | undefined;
  const reusesFit = PERSONAL.includes(algorithm);
  const evaluate = async (tuned: Partial<Record<TunedParam, number>>) => {
    const key = JSON.stringify(space.map(([name]) => tuned[name]));
    let result = seen.get(key);
    if (!result) {
      const params = { ...base, ...tuned };
      const fitKey = JSON.stringify(space.filter(([name]) => !reusesFit || !BLEND_PARAMS.includes(name)).map(([name]) => tuned[name]));
      if (last?.key !== fitKey) last = { key: fitKey, model: await new ItineraryRecommender(params).fit(fitData) };
      const model = reusesFit ? last.model.withScoring(fitData, params) : last.model;
      const report = evaluateRanking(model, targets, k);
      result = { ndcg: report.ndcg, report };
      seen.set(key, result);
      trials.push({ params: { ...tuned }, ndcg: report.ndcg });
    }
    return result;
  };

  let current: Partial<Record<TunedParam, number>> = Object.fromEntries(space.map(([name]) => [name, base[name]]));
  let best = await evaluate(current);
  for (let pass = 0; pass < (options.maxPasses ?? 2); pass++) {
    let moved = false;
    for (const [name, values] of space) {
      for (const value of values) {
        if (value === current[name]) continue;
        const candidate = { ...current, [name]: value };
        const result = await evaluate(candidate);
        if (result.ndcg > best.ndcg) {
          best = result;
          current = candidate;
          moved = true;
        }
      }
    }
    if (!moved) break;
  }
  return { algorithm, params: { ...base, ...current }, tuned: current, validation: best.report, trials, seconds: (performance.now() - started) / 1000 };
}
