import { readFileSync } from 'node:fs';
import { UsageError } from '../../platform/errors.ts';
import { intArg, stringArg, type Command } from '../command.ts';
import { compareRecommenders } from '../../models/recommender/comparison.ts';
import { parseInteractionsCsv } from '../../models/recommender/interactions-csv.ts';
import { ALGORITHMS, MAX_K, type RecommenderAlgorithm } from '../../models/recommender/recommender.ts';
import type { RankingReport } from '../../models/recommender/evaluation.ts';

/**
 * `spirit-ml recommend-benchmark`: every recommender algorithm tuned on a validation split of one interactions CSV
 * (each customer's latest interactions), refitted on all of it and scored on another, later CSV (the time-split
 * protocol of models/recommender/evaluation.ts). The choice is made on validation; the test figures are reported.
 */
function readInteractions(file: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'file');
  }
  return parseInteractionsCsv(text, file);
}

const round = (x: number) => Number(x.toFixed(4));
const figures = (r: RankingReport) => ({ hitRate: round(r.hitRate), ndcg: round(r.ndcg), map: round(r.map), coverage: round(r.coverage), customers: r.customers });

function algorithmsArg(raw: unknown): readonly RecommenderAlgorithm[] {
  if (raw === undefined) return ALGORITHMS;
  const names = String(raw).split(',').map((s) => s.trim());
  for (const name of names) {
    if (!ALGORITHMS.includes(name as RecommenderAlgorithm)) throw new UsageError(`--algorithms must list some of ${ALGORITHMS.join(', ')}, got "${name}"`, 'algorithms');
  }
  return names as RecommenderAlgorithm[];
}

export const command: Command = {
  name: 'recommend-benchmark',
  summary: 'Tune every recommender on a validation split of a train CSV, choose on validation, score on a later test CSV',
  // `short` and `multiple` are spelt out: cli/command.ts passes them on even when undefined, which Node 20's parseArgs rejects.
  options: {
    train: { type: 'string', short: 't', multiple: false, description: 'Interactions before the cut-off: CSV with header user_id,item_id,weight,ts' },
    test: { type: 'string', short: 'T', multiple: false, description: 'Interactions from the cut-off on, same header' },
    k: { type: 'string', short: 'k', multiple: false, description: `Length of each ranking, 1..${MAX_K}`, default: '10' },
    algorithms: { type: 'string', short: 'a', multiple: false, description: `Comma-separated subset of ${ALGORITHMS.join(', ')} (default: all)` },
    factors: { type: 'string', short: 'f', multiple: false, description: 'Hold the latent factors (ALS) and rank (SVD) instead of tuning them' },
    iterations: { type: 'string', short: 'i', multiple: false, description: 'Hold the ALS iterations instead of tuning them' },
    seed: { type: 'string', short: 's', multiple: false, description: 'Random seed', default: '0' },
  },
  details:
    'Prints JSON: { k, chosen, chosenBy: "validation ndcg", <algorithm>: { tuned, validation: { hitRate, ndcg, map, coverage, customers }, test: { … }, trainSeconds, tuningSeconds } }.',
  async run(args, ctx) {
    const trainFile = stringArg(args, 'train');
    const testFile = stringArg(args, 'test');
    const k = intArg(args, 'k', { min: 1, max: MAX_K });
    const algorithms = algorithmsArg(args.values.algorithms);
    const fixed = {
      seed: intArg(args, 'seed', { min: 0, max: 2 ** 32 - 1 }),
      ...(args.values.factors !== undefined ? { factors: intArg(args, 'factors', { min: 1, max: 512 }) } : {}),
      ...(args.values.iterations !== undefined ? { iterations: intArg(args, 'iterations', { min: 1, max: 1000 }) } : {}),
    };
    const train = readInteractions(trainFile);
    const test = readInteractions(testFile);
    const comparison = await compareRecommenders({ train, test }, k, { algorithms, fixed });
    const report = Object.fromEntries(
      Object.entries(comparison.results).map(([name, r]) => [
        name,
        { tuned: r.tuned, validation: figures(r.validation), test: figures(r.test), trainSeconds: Number(r.trainSeconds.toFixed(3)), tuningSeconds: Number(r.tuningSeconds.toFixed(3)) },
      ]),
    );
    ctx.log.info('recommend-benchmark finished', { trainRows: train.length, testRows: test.length, chosen: comparison.chosen });
    ctx.out(JSON.stringify({ k, chosen: comparison.chosen, chosenBy: 'validation ndcg', ...report }) + '\n');
  },
};
