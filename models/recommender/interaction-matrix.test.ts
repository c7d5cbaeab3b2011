import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInteractionMatrix } from './interaction-matrix.ts';

test('interactions become CSR in both orientations, repeats summed and non-positive pairs dropped', () => {
  const m = buildInteractionMatrix(
    [
      { userId: 'ana', itemId: 'cusco', weight: 2, ts: 1 },
      { userId: 'ana', itemId: 'lima', weight: 1, ts: 2 },
      { userId: 'ana', itemId: 'cusco', weight: 3, ts: 3, kind: 'booking' },
      { userId: 'ben', itemId: 'lima', weight: -1, ts: 4 },
      { userId: 'ben', itemId: 'puno', weight: 4, ts: 5 },
    ],
    ['colca'],
  );
  assert.deepEqual(m.items.ids, ['colca', 'cusco', 'lima', 'puno']);
  assert.deepEqual(Array.from(m.byUser.indptr), [0, 2, 3]);
  assert.deepEqual(Array.from(m.byUser.indices), [1, 2, 3]);
  assert.deepEqual(Array.from(m.byUser.values), [5, 1, 4]);
  assert.deepEqual(Array.from(m.kinds), [3, 0, 0]);
  assert.deepEqual(Array.from(m.byItem.indptr), [0, 0, 1, 2, 3]);
  assert.deepEqual(Array.from(m.byItem.indices), [0, 0, 1]);
});
