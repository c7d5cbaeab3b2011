import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refusePastDeparture } from './departure-date.ts';

test('a departure is quotable through its own day in Lima, and refused from the next, naming departureDate', () => {
  // 03:00 UTC on 8 December is still 7 December in Lima (UTC−5).
  const now = new Date('2026-12-08T03:00:00Z');
  assert.doesNotThrow(() => refusePastDeparture('2026-12-07', now));
  assert.doesNotThrow(() => refusePastDeparture('2027-01-15', now));
  assert.throws(() => refusePastDeparture('2026-12-06', now), (err: Error & { field?: string }) => {
    assert.equal(err.field, 'departureDate');
    assert.match(err.message, /2026-12-06 has passed \(today is 2026-12-07 in Lima\)/);
    return true;
  });
});
