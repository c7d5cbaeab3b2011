import { readFileSync } from 'node:fs';
import { UsageError } from '../../platform/errors.ts';
import { choiceArg, intArg, stringArg, type Command } from '../command.ts';
import { createLearner, LEARNERS } from '../../models/price/learners.ts';
import { errorMetrics } from '../../models/price/metrics.ts';
import { alignColumns, parseNumericCsv } from '../../models/price/numeric-csv.ts';

/**
 * `spirit-ml learn`: trains one of the price model's tree learners on a numeric CSV and scores it on another,
 * to try a feature table or compare the learners without writing code.
 */
function readCsv(file: string, target: string) {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'file');
  }
  return parseNumericCsv(text, target, file);
}

export const command: Command = {
  name: 'learn',
  summary: 'Train a random forest or gradient boosting on a numeric CSV and score it on a test CSV',
  // `short` and `multiple` are spelt out for every option: cli/command.ts passes them on even when undefined,
  // which Node 20's parseArgs rejects.
  options: {
    train: { type: 'string', short: 't', multiple: false, description: 'Training CSV (header row, numeric columns)' },
    test: { type: 'string', short: 'T', multiple: false, description: 'Test CSV with the same columns' },
    target: { type: 'string', short: 'y', multiple: false, description: 'Column to predict' },
    learner: { type: 'string', short: 'l', multiple: false, description: `One of ${LEARNERS.join(', ')}`, default: 'forest' },
    trees: { type: 'string', short: 'n', multiple: false, description: 'Trees (forest) or boosting iterations', default: '100' },
    'max-depth': { type: 'string', short: 'd', multiple: false, description: 'Depth limit of each tree (0: none)', default: '0' },
    seed: { type: 'string', short: 's', multiple: false, description: 'Random seed', default: '0' },
  },
  details: 'Prints JSON: { learner, rmse, mae, mape, trainSeconds, predictSeconds, rows, features }.',
  async run(args, ctx) {
    const trainFile = stringArg(args, 'train');
    const testFile = stringArg(args, 'test');
    const target = stringArg(args, 'target');
    const learner = choiceArg(args, 'learner', LEARNERS);
    const trees = intArg(args, 'trees', { min: 1, max: 100_000 });
    const maxDepthArg = intArg(args, 'max-depth', { min: 0, max: 64 });
    const seed = intArg(args, 'seed', { min: 0, max: 2 ** 32 - 1 });
    const maxDepth = maxDepthArg === 0 ? null : maxDepthArg;

    const train = readCsv(trainFile, target);
    const test = readCsv(testFile, target);
    const testX = alignColumns(test, train.featureNames, testFile);
    const model = createLearner(learner, { trees, maxDepth, seed }, { iterations: trees, maxDepth, seed });
    const t0 = performance.now();
    await model.fit({ x: train.x, y: train.y, featureNames: train.featureNames });
    const t1 = performance.now();
    const predicted = model.predict(testX);
    const t2 = performance.now();
    const metrics = errorMetrics(test.y, predicted);
    ctx.log.info('learn finished', { learner, trainRows: train.x.rows, testRows: testX.rows });
    ctx.out(
      JSON.stringify({
        learner,
        ...metrics,
        trainSeconds: Number(((t1 - t0) / 1000).toFixed(3)),
        predictSeconds: Number(((t2 - t1) / 1000).toFixed(4)),
        rows: { train: train.x.rows, test: testX.rows },
        features: train.featureNames,
      }) + '\n',
    );
  },
};
