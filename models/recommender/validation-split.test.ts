import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { latestPerCustomer } from './validation-split.ts';

const row = (userId: string, itemId: string, day: number, firstDay?: number) => ({
  userId,
  itemId,
  weight: 1,
  ts: Date.UTC(2025, 0, day),
  ...(firstDay !== undefined ? { firstTs: Date.UTC(2025, 0, firstDay) } : {}),
});

test('each customer’s latest interactions are held out, never all of them, and lone interactions stay in training', () => {
  const rows = [
    ...Array.from({ length: 10 }, (_, d) => row('ana', `A${d}`, 10 - d)),
    row('ben', 'B1', 3),
    row('ben', 'B2', 1),
    row('eva', 'E1', 5),
  ];
  const { fit, validation } = latestPerCustomer(rows, 0.2);
  assert.equal(fit.length + validation.length, rows.length);
  assert.deepEqual(
    validation.map((r) => r.itemId),
    ['A0', 'A1', 'B1'],
    'Ana’s two latest of ten, Ben’s latest of two, nothing of Eva’s one',
  );
  assert.ok(fit.some((r) => r.userId === 'eva'));
});

test('a pair summing several events is ordered by when the customer first turned to it', () => {
  // Ana first quoted A1 on day 1 and came back to it on day 9; she first turned to A2 on day 5.
  const rows = [row('ana', 'A1', 9, 1), row('ana', 'A2', 5, 5)];
  assert.deepEqual(latestPerCustomer(rows, 0.5).validation.map((r) => r.itemId), ['A2']);
  assert.throws(() => latestPerCustomer(rows, 1), InputError);
});
