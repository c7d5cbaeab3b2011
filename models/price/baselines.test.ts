import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costPlusPrice, medianMarkup } from './cost-plus.ts';
import { currencyAmounts } from './currency-contributions.ts';
import { conformalHalfWidth } from './interval.ts';
import { errorMetrics } from './metrics.ts';
import { fitRidge, predictRidge } from './ridge.ts';

test('ridge recovers a linear function and shrinks with a large penalty', () => {
  const values = Float64Array.from([1, 2, 3, 1, 0, 5, 2, 2, 7, 3, 1, 1]);
  const x = { values, rows: 6, columns: 2 };
  const y = Float64Array.from({ length: 6 }, (_, r) => 2 * values[2 * r] - 3 * values[2 * r + 1] + 1);
  const exact = fitRidge(x, y, 1e-9);
  assert.ok(Math.abs(exact.weights[0] - 2) < 1e-6 && Math.abs(exact.weights[1] + 3) < 1e-6 && Math.abs(exact.intercept - 1) < 1e-6);
  assert.ok(Math.abs(predictRidge(exact, x)[2] - y[2]) < 1e-6);
  const shrunk = fitRidge(x, y, 1e6);
  assert.ok(Math.abs(shrunk.weights[0]) < 0.01 && Math.abs(shrunk.weights[1]) < 0.01);
});

test('ridge ignores a constant feature instead of dividing by zero', () => {
  const x = { values: Float64Array.from([1, 5, 2, 5, 3, 5]), rows: 3, columns: 2 };
  const c = fitRidge(x, Float64Array.from([2, 4, 6]), 1e-9);
  assert.ok(Number.isFinite(c.intercept) && c.weights[1] === 0);
});

test('cost-plus uses the median markup', () => {
  const m = medianMarkup([120, 150, 300, 1000], [100, 100, 200, 100]);
  assert.equal(m, 1.5);
  assert.equal(costPlusPrice(200, m), 300);
});

test('error metrics', () => {
  const m = errorMetrics([100, 200, 0], [110, 180, 5]);
  assert.ok(Math.abs(m.rmse - Math.sqrt((100 + 400 + 25) / 3)) < 1e-12);
  assert.ok(Math.abs(m.mae - 35 / 3) < 1e-12);
  assert.ok(Math.abs(m.mape - 10) < 1e-12, 'rows with a zero actual are left out of MAPE');
});

test('conformal half-width takes the ceil((n+1)·coverage)-th smallest error', () => {
  const actual = Float64Array.from({ length: 9 }, (_, i) => i + 1);
  const predicted = new Float64Array(9);
  assert.equal(conformalHalfWidth(actual, predicted, 0.8), 8);
  assert.equal(conformalHalfWidth(actual.subarray(0, 3), predicted, 0.8), 3);
});

test('currency amounts keep signs and add up to price − baseValue', () => {
  const logs = [0.2, -0.05, 0.01];
  const amounts = currencyAmounts(1000, logs);
  const s = logs.reduce((a, b) => a + b);
  assert.ok(Math.abs(amounts.reduce((a, b) => a + b) - 1000 * Math.expm1(s)) < 1e-9);
  assert.ok(amounts[0] > 0 && amounts[1] < 0 && amounts[2] > 0);
  assert.deepEqual([...currencyAmounts(1000, [0.1, -0.1])].map((v) => Math.round(v)), [100, -100]);
});
