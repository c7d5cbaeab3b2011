import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { contributions } from './contributions.ts';
import { friedman1 } from '../../test/worlds/friedman.ts';
import { errorMetrics } from './metrics.ts';
import { RandomForestRegressor } from './random-forest.ts';
import { fitRidge, predictRidge } from './ridge.ts';

const train = friedman1(3000, 8, 11);
const heldOut = friedman1(1000, 8, 12);

function meanPredictorRmse(): number {
  const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
  return errorMetrics(heldOut.y, new Float64Array(heldOut.y.length).fill(mean)).rmse;
}

test('forest beats the mean predictor and ridge on a nonlinear function, on held-out rows', async () => {
  const forest = await new RandomForestRegressor({ trees: 60, seed: 1 }).fit(train);
  const rmse = errorMetrics(heldOut.y, forest.predict(heldOut.x)).rmse;
  const ridge = errorMetrics(heldOut.y, predictRidge(fitRidge(train.x, train.y), heldOut.x)).rmse;
  assert.ok(rmse < 0.5 * meanPredictorRmse(), `forest ${rmse} vs mean ${meanPredictorRmse()}`);
  assert.ok(rmse < 0.85 * ridge, `forest ${rmse} vs ridge ${ridge}`);
});

test('same seed gives identical forests with one or two worker threads', async () => {
  const params = { trees: 12, maxDepth: 8, maxFeatures: 0.5, seed: 42 };
  const one = await new RandomForestRegressor({ ...params, workers: 1 }).fit(train);
  const two = await new RandomForestRegressor({ ...params, workers: 2 }).fit(train);
  assert.deepEqual(two.predict(heldOut.x), one.predict(heldOut.x));
  const other = await new RandomForestRegressor({ ...params, seed: 43, workers: 1 }).fit(train);
  assert.notDeepEqual(other.predict(heldOut.x), one.predict(heldOut.x));
});

test('artefact round trip through JSON predicts identically', async () => {
  const forest = await new RandomForestRegressor({ trees: 10, maxDepth: 6, seed: 3 }).fit(train);
  const restored = RandomForestRegressor.fromArtifact(JSON.parse(JSON.stringify(forest.toArtifact())));
  assert.deepEqual(restored.predict(heldOut.x), forest.predict(heldOut.x));
  assert.deepEqual(restored.params, forest.params);
});

test('bias plus contributions equals the prediction', async () => {
  const forest = await new RandomForestRegressor({ trees: 20, seed: 5 }).fit(train);
  const predicted = forest.predict(heldOut.x);
  for (let r = 0; r < 50; r++) {
    const row = heldOut.x.values.subarray(r * 8, r * 8 + 8);
    const c = contributions(forest.trees, row, 8);
    const total = c.byFeature.reduce((a, b) => a + b, c.bias);
    assert.ok(Math.abs(total - predicted[r]) < 1e-9, `row ${r}: ${total} vs ${predicted[r]}`);
  }
  // Noise features (5..7) get far less credit than the informative ones on average.
  const credit = new Float64Array(8);
  for (let r = 0; r < 200; r++) contributions(forest.trees, heldOut.x.values.subarray(r * 8, r * 8 + 8), 8).byFeature.forEach((v, f) => (credit[f] += Math.abs(v)));
  assert.ok(credit[3] > 5 * credit[6]);
});

test('bad input is refused with the field named', async () => {
  await assert.rejects(new RandomForestRegressor().fit({ x: { values: new Float64Array(0), rows: 0, columns: 2 }, y: new Float64Array(0) }), (e: unknown) => e instanceof InputError && e.field === 'rows');
  const values = new Float64Array([1, 2, 3, NaN]);
  await assert.rejects(
    new RandomForestRegressor().fit({ x: { values, rows: 2, columns: 2 }, y: new Float64Array([1, 2]), featureNames: ['pax', 'lead_time_days'] }),
    (e: unknown) => e instanceof InputError && e.field === 'lead_time_days' && /row 1/.test(e.message),
  );
  assert.throws(() => new RandomForestRegressor({ trees: 0 }), (e: unknown) => e instanceof InputError && e.field === 'trees');
  assert.throws(() => new RandomForestRegressor({ maxFeatures: 1.5 }), (e: unknown) => e instanceof InputError && e.field === 'maxFeatures');
  const forest = await new RandomForestRegressor({ trees: 2 }).fit(train);
  assert.throws(() => forest.predict({ values: new Float64Array(3), rows: 1, columns: 3 }), (e: unknown) => e instanceof InputError && e.field === 'features');
});
