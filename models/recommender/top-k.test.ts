import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../platform/random.ts';
import { topK } from './top-k.ts';

test('topK matches a full sort, honours the filter and breaks ties by index', () => {
  const rng = mulberry32(7);
  const scores = Float32Array.from({ length: 2000 }, () => Math.round(rng() * 100));
  const allowed = (i: number) => i % 3 !== 0;
  const expected = Array.from(scores.keys())
    .filter(allowed)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, 25);
  assert.deepEqual(Array.from(topK(scores, 25, allowed)), expected);
});

test('topK returns fewer when fewer pass', () => {
  assert.deepEqual(Array.from(topK([3, 1, 2], 10, (i) => i !== 0)), [2, 1]);
});
