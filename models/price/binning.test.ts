import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../platform/random.ts';
import { binCode, binEdges, binMatrix, fitBinning, MAX_BINS } from './binning.ts';

test('few distinct values: one bin each, edges between them', () => {
  const edges = binEdges(Float64Array.from([3, 1, 2, 2, 3, 1]));
  assert.deepEqual([...edges], [1.5, 2.5]);
  assert.deepEqual([1, 2, 3].map((v) => binCode(edges, v)), [0, 1, 2]);
  assert.equal(binEdges(Float64Array.from([7, 7, 7])).length, 0);
});

test('many distinct values: at most 255 bins of similar size, and code <= b exactly when x <= edges[b]', () => {
  const rng = mulberry32(1);
  const values = Float64Array.from({ length: 20_000 }, () => rng() ** 3);
  const edges = binEdges(values);
  assert.ok(edges.length + 1 <= MAX_BINS && edges.length > 200);
  const counts = new Int32Array(edges.length + 1);
  for (const v of values) counts[binCode(edges, v)]++;
  assert.ok(Math.max(...counts) < 3 * (values.length / MAX_BINS));
  for (let i = 0; i < 2000; i++) {
    const x = values[i];
    const b = Math.floor(rng() * edges.length);
    assert.equal(binCode(edges, x) <= b, x <= edges[b]);
  }
});

test('heavily repeated values are never split across bins', () => {
  const values = Float64Array.from({ length: 10_000 }, (_, i) => (i < 9000 ? 0 : i));
  const edges = binEdges(values);
  const zeroCodes = new Set(Array.from(values.subarray(0, 9000), (v) => binCode(edges, v)));
  assert.equal(zeroCodes.size, 1);
});

test('matrix codes are row-major like the feature matrix', () => {
  const x = { values: Float64Array.from([1, 10, 2, 20, 3, 30]), rows: 3, columns: 2 };
  assert.deepEqual([...binMatrix(fitBinning(x), x)], [0, 0, 1, 1, 2, 2]);
});
