import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustedRandIndex } from './adjusted-rand-index.ts';

test('identical partitions score 1 whatever the label names', () => {
  assert.equal(adjustedRandIndex([0, 0, 1, 1, 2], [0, 0, 1, 1, 2]), 1);
  assert.equal(adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]), 1);
  assert.equal(adjustedRandIndex(['a', 'a', 'b'], [7, 7, 3]), 1);
});

test('hand-computed: [0,0,1,1] vs [0,0,1,2] is 4/7', () => {
  // Contingency cells 2,1,1 → Σ C(nij,2) = 1; rows 2,2 → 2; columns 2,1,1 → 1; C(4,2) = 6.
  // E = 2·1/6 = 1/3; max = (2+1)/2 = 3/2; ARI = (1 − 1/3) / (3/2 − 1/3) = 4/7.
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]) - 4 / 7) < 1e-12);
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1]) - 4 / 7) < 1e-12);
});

test('hand-computed: [0,0,0,1,1,1] vs [0,0,1,1,2,2] is 0.2424…', () => {
  // Cells 2,1,1,2 → Σ C(nij,2) = 2; rows 3,3 → 6; columns 2,2,2 → 3; C(6,2) = 15.
  // E = 6·3/15 = 6/5; max = (6+3)/2 = 9/2; ARI = (2 − 6/5) / (9/2 − 6/5) = (4/5) / (33/10) = 8/33.
  assert.ok(Math.abs(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) - 8 / 33) < 1e-12);
});

test('a partition unrelated to the truth scores at or below 0', () => {
  // Every true pair is split: Σ C(nij,2) = 0 < E, so the index is negative.
  assert.ok(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1]) < 0);
  assert.equal(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3]), 0);
});

test('trivial partitions agree perfectly; different lengths are refused', () => {
  assert.equal(adjustedRandIndex([5, 5, 5], [1, 1, 1]), 1);
  assert.equal(adjustedRandIndex([], []), 1);
  assert.throws(() => adjustedRandIndex([0, 1], [0]), RangeError);
});
