import { InputError } from '../../platform/errors.ts';
import type { ItineraryInfo } from './catalogue.ts';
import type { CustomerProfile } from './cold-start.ts';
import { evaluateRanking, type RankingReport } from './evaluation.ts';
import type { Interaction } from './interactions.ts';
import { ALGORITHMS, ItineraryRecommender, type RecommenderAlgorithm } from './recommender.ts';
import { tuneRecommender, type TunedParam, type TuningOptions } from './tuning.ts';

/**
 * Every algorithm, each tuned on a validation split of the training data, refitted on all of it with the chosen
 * hyperparameters and scored on the test period. The algorithm to serve is the best by validation NDCG@k: the test
 * figures are reported next to it, never used to choose (choosing on them would overstate what the choice is worth).
 */
export interface AlgorithmResult {
  /** The searched hyperparameters and the values chosen on validation. */
  tuned: Partial<Record<TunedParam, number>>;
  validation: RankingReport;
  test: RankingReport;
  /** Refit on the whole training set with the chosen values. */
  trainSeconds: number;
  tuningSeconds: number;
  trials: number;
}

export interface ModelComparison {
  k: number;
  results: Partial<Record<RecommenderAlgorithm, AlgorithmResult>>;
  /** The algorithm with the best validation NDCG@k, the one to put in production. */
  chosen: RecommenderAlgorithm;
}

export interface ComparisonData {
  train: readonly Interaction[];
  test: readonly Interaction[];
  items?: readonly ItineraryInfo[];
  customers?: readonly CustomerProfile[];
}

export interface ComparisonOptions extends TuningOptions {
  algorithms?: readonly RecommenderAlgorithm[];
}

/** An algorithm's own tuned hyperparameters, without the blends (the mix tunes its own). */
function searchedAlone(result: AlgorithmResult | undefined): Partial<Record<TunedParam, number>> {
  if (!result) return {};
  const { recencyBlend: _, halfLifeDays: __, segmentBlend: ___, ...own } = result.tuned;
  return own;
}

export async function compareRecommenders(data: ComparisonData, k: number, options: ComparisonOptions = {}): Promise<ModelComparison> {
  if (data.test.length === 0) throw new InputError('the test set is empty: nothing to evaluate on', 'test');
  const algorithms = options.algorithms ?? ALGORITHMS;
  if (algorithms.length === 0) throw new InputError('at least one algorithm must be compared', 'algorithms');
  const results: ModelComparison['results'] = {};
  let chosen: RecommenderAlgorithm | undefined;
  for (const algorithm of algorithms) {
    // The tuner gets the training rows only. The EASE + ALS mix starts from what each was tuned to alone.
    const alone = algorithm === 'ease-als' ? { ...searchedAlone(results.als), ...searchedAlone(results.ease) } : {};
    const tuning = await tuneRecommender({ train: data.train, items: data.items, customers: data.customers }, algorithm, k, { ...options, fixed: { ...alone, ...options.fixed } });
    const started = performance.now();
    const model = await new ItineraryRecommender(tuning.params).fit({ interactions: data.train, items: data.items, customers: data.customers });
    const trainSeconds = (performance.now() - started) / 1000;
    results[algorithm] = {
      tuned: tuning.tuned,
      validation: tuning.validation,
      test: evaluateRanking(model, data.test, k),
      trainSeconds,
      tuningSeconds: tuning.seconds,
      trials: tuning.trials.length,
    };
    if (chosen === undefined || tuning.validation.ndcg > results[chosen]!.validation.ndcg) chosen = algorithm;
  }
  return { k, results, chosen: chosen! };
}
