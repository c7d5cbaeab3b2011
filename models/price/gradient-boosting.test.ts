import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { contributions } from './contributions.ts';
import { friedman1 } from '../../test/worlds/friedman.ts';
import { GradientBoostingRegressor } from './gradient-boosting.ts';
import { errorMetrics } from './metrics.ts';
import { fitRidge, predictRidge } from './ridge.ts';

const train = friedman1(3000, 8, 21);
const heldOut = friedman1(1000, 8, 22);

test('boosting beats the mean predictor and ridge on a nonlinear function, on held-out rows', async () => {
  const model = await new GradientBoostingRegressor({ seed: 1 }).fit(train);
  const rmse = errorMetrics(heldOut.y, model.predict(heldOut.x)).rmse;
  const mean = train.y.reduce((a, b) => a + b, 0) / train.y.length;
  const meanRmse = errorMetrics(heldOut.y, new Float64Array(heldOut.y.length).fill(mean)).rmse;
  const ridge = errorMetrics(heldOut.y, predictRidge(fitRidge(train.x, train.y), heldOut.x)).rmse;
  assert.ok(rmse < 0.4 * meanRmse, `boosting ${rmse} vs mean ${meanRmse}`);
  assert.ok(rmse < 0.7 * ridge, `boosting ${rmse} vs ridge ${ridge}`);
});

test('early stopping keeps fewer trees than allowed once the held-out score stalls', async () => {
  const model = await new GradientBoostingRegressor({ iterations: 2000, learningRate: 0.3, seed: 2 }).fit(train);
  assert.ok(model.iterationsUsed > 5 && model.iterationsUsed < 2000, `kept ${model.iterationsUsed}`);
  const all = await new GradientBoostingRegressor({ iterations: 30, validationFraction: 0 }).fit(train);
  assert.equal(all.iterationsUsed, 30);
});

test('L2 penalty and leaf limits constrain the trees', async () => {
  const stumps = await new GradientBoostingRegressor({ iterations: 5, maxLeafNodes: 2, validationFraction: 0 }).fit(train);
  assert.equal(stumps.trees.feature.length, 5 * 3);
  const shallow = await new GradientBoostingRegressor({ iterations: 5, maxDepth: 2, maxLeafNodes: 1000, validationFraction: 0 }).fit(train);
  assert.ok(shallow.trees.feature.length <= 5 * 7);
  const plain = await new GradientBoostingRegressor({ iterations: 1, validationFraction: 0, minSamplesLeaf: 1 }).fit(train);
  const penalised = await new GradientBoostingRegressor({ iterations: 1, validationFraction: 0, minSamplesLeaf: 1, l2: 1e6 }).fit(train);
  const spread = (v: Float64Array) => Math.max(...v) - Math.min(...v);
  assert.ok(spread(penalised.predict(heldOut.x)) < 0.1 * spread(plain.predict(heldOut.x)));
});

test('same seed, same model; artefact round trip predicts identically', async () => {
  const a = await new GradientBoostingRegressor({ iterations: 40, seed: 9 }).fit(train);
  const b = await new GradientBoostingRegressor({ iterations: 40, seed: 9 }).fit(train);
  assert.deepEqual(b.predict(heldOut.x), a.predict(heldOut.x));
  const restored = GradientBoostingRegressor.fromArtifact(JSON.parse(JSON.stringify(a.toArtifact())));
  assert.deepEqual(restored.predict(heldOut.x), a.predict(heldOut.x));
  assert.equal(restored.iterationsUsed, a.iterationsUsed);
});

test('bias plus contributions equals the prediction', async () => {
  const model = await new GradientBoostingRegressor({ iterations: 80 }).fit(train);
  const predicted = model.predict(heldOut.x);
  for (let r = 0; r < 50; r++) {
    const c = contributions(model.trees, heldOut.x.values.subarray(r * 8, r * 8 + 8), 8);
    const total = c.byFeature.reduce((s, v) => s + v, c.bias);
    assert.ok(Math.abs(total - predicted[r]) < 1e-9, `row ${r}: ${total} vs ${predicted[r]}`);
  }
});

test('bad input is refused with the field named', async () => {
  await assert.rejects(new GradientBoostingRegressor().fit({ x: { values: new Float64Array(0), rows: 0, columns: 1 }, y: new Float64Array(0) }), (e: unknown) => e instanceof InputError && e.field === 'rows');
  await assert.rejects(
    new GradientBoostingRegressor().fit({ x: { values: new Float64Array([1, 2]), rows: 2, columns: 1 }, y: new Float64Array([1, NaN]) }),
    (e: unknown) => e instanceof InputError && e.field === 'target',
  );
  assert.throws(() => new GradientBoostingRegressor({ learningRate: 0 }), (e: unknown) => e instanceof InputError && e.field === 'learningRate');
});
