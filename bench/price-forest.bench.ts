/**
 * `npm run bench -- price-forest`: the price model's random forest against its goals and against other
 * implementations on the same data in the same run.
 * Goals: 100 trees of depth 10 on 40,000 rows x 8 features in under 5 s on two cores, 10,000 predictions in under
 * 50 ms, accuracy on par with scikit-learn's RandomForestRegressor (run on the same CSVs when /usr/bin/python3 has
 * scikit-learn: `apt-get install -y python3-sklearn`). ml-random-forest is timed at a small size only (it is ~quadratic
 * in rows) and reported as a ratio. Gradient boosting is measured alongside, against scikit-learn's
 * HistGradientBoostingRegressor. Last, the PriceModel against cost-plus and ridge on the synthetic pricing world,
 * on a time-based holdout (the latest 15% of quotations).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RandomForestRegression } from 'ml-random-forest';
import type { BenchContext } from './run.ts';
import { friedman1 } from '../test/worlds/friedman.ts';
import { GradientBoostingRegressor } from '../models/price/gradient-boosting.ts';
import { evaluateOnHoldout } from '../models/price/holdout-evaluation.ts';
import type { FeatureMatrix } from '../models/price/matrix.ts';
import { errorMetrics } from '../models/price/metrics.ts';
import { pricingWorld, PRICING_FEATURES } from '../test/worlds/pricing-world.ts';
import { RandomForestRegressor } from '../models/price/random-forest.ts';

export const title = 'Price model learners: histogram random forest and gradient boosting vs scikit-learn and ml-random-forest';

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestRegressor, HistGradientBoostingRegressor
train = np.loadtxt(sys.argv[1], delimiter=',', skiprows=1)
test = np.loadtxt(sys.argv[2], delimiter=',', skiprows=1)
trees, depth = int(sys.argv[3]), int(sys.argv[4])
X, y, Xt, yt = train[:, :-1], train[:, -1], test[:, :-1], test[:, -1]
def rmse(p): return float(np.sqrt(np.mean((p - yt) ** 2)))
out = {}
m = RandomForestRegressor(n_estimators=trees, max_depth=depth, max_features=1.0, n_jobs=2, random_state=0)
t = time.perf_counter(); m.fit(X, y); out['forestFitSeconds'] = time.perf_counter() - t
t = time.perf_counter(); p = m.predict(Xt); out['forestPredictSeconds'] = time.perf_counter() - t
out['forestRmse'] = rmse(p)
h = HistGradientBoostingRegressor(max_iter=500, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20, early_stopping=True, validation_fraction=0.1, n_iter_no_change=10, random_state=0)
t = time.perf_counter(); h.fit(X, y); out['boostingFitSeconds'] = time.perf_counter() - t
out['boostingRmse'] = rmse(h.predict(Xt))
out['boostingIterations'] = int(h.n_iter_)
print(json.dumps(out))
`;

function writeCsv(file: string, x: FeatureMatrix, y: Float64Array): void {
  const lines = [[...Array.from({ length: x.columns }, (_, f) => `x${f}`), 'y'].join(',')];
  for (let r = 0; r < x.rows; r++) lines.push([...x.values.subarray(r * x.columns, (r + 1) * x.columns), y[r]].join(','));
  writeFileSync(file, lines.join('\n') + '\n');
}

function seconds(since: number): number {
  return Number(((performance.now() - since) / 1000).toFixed(3));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function sklearnFigures(trainCsv: string, testCsv: string, trees: number, depth: number): Record<string, unknown> {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import sklearn'], { encoding: 'utf8' });
  if (probe.status !== 0) return { sklearn: 'not available (apt-get install -y python3-sklearn)' };
  const run = spawnSync('/usr/bin/python3', ['-c', SKLEARN_SCRIPT, trainCsv, testCsv, String(trees), String(depth)], { encoding: 'utf8' });
  if (run.status !== 0) return { sklearn: `failed: ${run.stderr.trim().split('\n').pop()}` };
  const version = spawnSync('/usr/bin/python3', ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).stdout.trim();
  const r = JSON.parse(run.stdout) as Record<string, number>;
  return {
    sklearnVersion: version,
    sklearnForestFitSeconds: Number(r.forestFitSeconds.toFixed(3)),
    sklearnForestPredictMs: Number((1000 * r.forestPredictSeconds).toFixed(1)),
    sklearnForestRmse: Number(r.forestRmse.toFixed(4)),
    sklearnBoostingFitSeconds: Number(r.boostingFitSeconds.toFixed(3)),
    sklearnBoostingRmse: Number(r.boostingRmse.toFixed(4)),
    sklearnBoostingIterations: r.boostingIterations,
  };
}

interface MlForest {
  train(x: number[][], y: number[]): void;
  predict(x: number[][]): number[];
}

function toArrays(x: FeatureMatrix, rows: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(x.values.subarray(r * x.columns, (r + 1) * x.columns)));
}

export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const full = ctx.scale === 'full';
  const trainRows = full ? 40_000 : 10_000;
  const trees = full ? 100 : 30;
  const depth = 10;
  const columns = 8;
  const train = friedman1(trainRows, columns, 1);
  const test = friedman1(10_000, columns, 2);

  ctx.log(`forest: ${trees} trees, depth ${depth}, ${trainRows} x ${columns}`);
  let t = performance.now();
  const forest = await new RandomForestRegressor({ trees, maxDepth: depth, seed: 0 }).fit(train);
  const forestFitSeconds = seconds(t);
  const predictMs: number[] = [];
  let predicted: Float64Array = new Float64Array(0);
  for (let i = 0; i < 7; i++) {
    t = performance.now();
    predicted = forest.predict(test.x);
    predictMs.push(performance.now() - t);
  }
  const forestRmse = errorMetrics(test.y, predicted).rmse;

  ctx.log('gradient boosting');
  t = performance.now();
  const boosting = await new GradientBoostingRegressor({ iterations: 500, learningRate: 0.1, seed: 0 }).fit(train);
  const boostingFitSeconds = seconds(t);
  const boostingRmse = errorMetrics(test.y, boosting.predict(test.x)).rmse;

  const dir = mkdtempSync(path.join(os.tmpdir(), 'price-forest-bench-'));
  let sklearn: Record<string, unknown>;
  try {
    writeCsv(path.join(dir, 'train.csv'), train.x, train.y);
    writeCsv(path.join(dir, 'test.csv'), test.x, test.y);
    ctx.log('scikit-learn on the same CSVs');
    sklearn = sklearnFigures(path.join(dir, 'train.csv'), path.join(dir, 'test.csv'), trees, depth);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const smallRows = 5_000;
  const smallTrees = 10;
  ctx.log(`ml-random-forest baseline: ${smallTrees} trees on ${smallRows} rows`);
  const small = { values: train.x.values.subarray(0, smallRows * columns), rows: smallRows, columns };
  const smallY = train.y.slice(0, smallRows);
  const baseline = new RandomForestRegression({ nEstimators: smallTrees, maxFeatures: 1.0, seed: 3, useSampleBagging: true, noOOB: true, treeOptions: { maxDepth: depth } }) as unknown as MlForest;
  t = performance.now();
  baseline.train(toArrays(small, smallRows), Array.from(smallY));
  const mlFitSeconds = seconds(t);
  const mlRmse = errorMetrics(test.y, baseline.predict(toArrays(test.x, test.x.rows))).rmse;
  t = performance.now();
  const ours = await new RandomForestRegressor({ trees: smallTrees, maxDepth: depth, seed: 0, workers: 1 }).fit({ x: small, y: smallY });
  const oursSmallSeconds = seconds(t);
  const oursSmallRmse = errorMetrics(test.y, ours.predict(test.x)).rmse;

  const quotations = full ? 20_000 : 5_000;
  ctx.log(`PriceModel vs baselines: ${quotations} synthetic quotations, time-based holdout`);
  t = performance.now();
  const pricing = await evaluateOnHoldout(pricingWorld(quotations, 1), PRICING_FEATURES, { seed: 0 });
  const priceModelSeconds = seconds(t);
  const round = (v: number) => Number(v.toFixed(2));

  const medianPredictMs = Number(median(predictMs).toFixed(1));
  return {
    trainRows,
    testRows: test.x.rows,
    features: columns,
    trees,
    maxDepth: depth,
    cores: os.availableParallelism(),
    forestFitSeconds,
    forestPredictMsMedian: medianPredictMs,
    forestPredictMsFirst: Number(predictMs[0].toFixed(1)),
    forestRmse: Number(forestRmse.toFixed(4)),
    goalFitUnder5s: full ? forestFitSeconds < 5 : 'full scale only',
    goalPredictUnder50ms: medianPredictMs < 50,
    boostingFitSeconds,
    boostingIterations: boosting.iterationsUsed,
    boostingRmse: Number(boostingRmse.toFixed(4)),
    ...sklearn,
    forestRmseVsSklearn: typeof sklearn.sklearnForestRmse === 'number' ? Number((forestRmse / sklearn.sklearnForestRmse).toFixed(3)) : 'n/a',
    forestFitSpeedupVsSklearn: typeof sklearn.sklearnForestFitSeconds === 'number' ? Number((sklearn.sklearnForestFitSeconds / forestFitSeconds).toFixed(2)) : 'n/a',
    mlRandomForestRows: smallRows,
    mlRandomForestTrees: smallTrees,
    mlRandomForestFitSeconds: mlFitSeconds,
    mlRandomForestRmse: Number(mlRmse.toFixed(4)),
    oursSameSizeFitSeconds: oursSmallSeconds,
    oursSameSizeRmse: Number(oursSmallRmse.toFixed(4)),
    speedupVsMlRandomForest: Number((mlFitSeconds / oursSmallSeconds).toFixed(1)),
    priceQuotations: quotations,
    priceHoldoutRows: pricing.holdoutRows,
    priceChosenLearner: pricing.chosen,
    priceFitAndScoreSeconds: priceModelSeconds,
    priceModelRmse: round(pricing.model.rmse),
    priceModelMapePct: round(pricing.model.mape),
    costPlusRmse: round(pricing.costPlus.rmse),
    costPlusMapePct: round(pricing.costPlus.mape),
    ridgeRmse: round(pricing.ridge.rmse),
    ridgeMapePct: round(pricing.ridge.mape),
    priceInterval80Coverage: round(pricing.intervalCoverage),
  };
}
