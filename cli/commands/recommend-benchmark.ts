import { readFileSync } from 'node:fs';
import { UsageError } from '../../platform/errors.ts';
import { intArg, stringArg, type Command } from '../command.ts';
import { compareRecommenders } from '../../models/recommender/evaluation.ts';
import { parseInteractionsCsv } from '../../models/recommender/interactions-csv.ts';
import { DEFAULT_RECOMMENDER_PARAMS, MAX_K } from '../../models/recommender/recommender.ts';

/**
 * `spirit-ml recommend-benchmark`: popularity, SVD and ALS trained on one interactions CSV and scored on another
 * (the time-split protocol of models/recommender/evaluation.ts), to check a new export or a hyperparameter.
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

export const command: Command = {
  name: 'recommend-benchmark',
  summary: 'Compare popularity, SVD and ALS recommenders on a train CSV and a later test CSV (HR, NDCG, MAP, coverage)',
  // `short` and `multiple` are spelt out: cli/command.ts passes them on even when undefined, which Node 20's parseArgs rejects.
  options: {
    train: { type: 'string', short: 't', multiple: false, description: 'Interactions before the cut-off: CSV with header user_id,item_id,weight,ts' },
    test: { type: 'string', short: 'T', multiple: false, description: 'Interactions from the cut-off on, same header' },
    k: { type: 'string', short: 'k', multiple: false, description: `Length of each ranking, 1..${MAX_K}`, default: '10' },
    factors: { type: 'string', short: 'f', multiple: false, description: 'Latent factors (ALS) and rank (SVD)', default: String(DEFAULT_RECOMMENDER_PARAMS.factors) },
    iterations: { type: 'string', short: 'i', multiple: false, description: 'ALS iterations', default: String(DEFAULT_RECOMMENDER_PARAMS.iterations) },
    seed: { type: 'string', short: 's', multiple: false, description: 'Random seed', default: '0' },
  },
  details: 'Prints JSON: { k, customers, popularity, svd, als: { hitRate, ndcg, map, coverage, trainSeconds }, chosen }; chosen has the best NDCG@k.',
  async run(args, ctx) {
    const trainFile = stringArg(args, 'train');
    const testFile = stringArg(args, 'test');
    const k = intArg(args, 'k', { min: 1, max: MAX_K });
    const factors = intArg(args, 'factors', { min: 1, max: 512 });
    const iterations = intArg(args, 'iterations', { min: 1, max: 1000 });
    const seed = intArg(args, 'seed', { min: 0, max: 2 ** 32 - 1 });
    const train = readInteractions(trainFile);
    const test = readInteractions(testFile);
    const comparison = await compareRecommenders({ train, test }, k, { factors, iterations, seed });
    const report = Object.fromEntries(
      Object.entries(comparison.results).map(([name, r]) => [name, { hitRate: round(r.hitRate), ndcg: round(r.ndcg), map: round(r.map), coverage: round(r.coverage), trainSeconds: Number(r.trainSeconds.toFixed(3)) }]),
    );
    ctx.log.info('recommend-benchmark finished', { trainRows: train.length, testRows: test.length, chosen: comparison.chosen });
    ctx.out(JSON.stringify({ k, customers: comparison.results.als.customers, ...report, chosen: comparison.chosen }) + '\n');
  },
};
