import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { bookingPace, expectedLoadFactor, totalOfSteps } from './demand-signals.ts';

test('expected load factor adds the forecast still to book to what is booked', () => {
  const lf = expectedLoadFactor({ capacity: 16, bookedTravellers: 8, remaining: { mean: 4, lo80: -1, hi80: 10 } });
  assert.deepEqual(lf, { expected: 0.75, lo80: 0.5, hi80: 18 / 16, expectedTravellers: 12 });
  assert.throws(() => expectedLoadFactor({ capacity: 0, bookedTravellers: 1, remaining: { mean: 1, lo80: 0, hi80: 2 } }), (e: unknown) => e instanceof InputError && e.field === 'capacity');
  assert.deepEqual(totalOfSteps({ mean: [1, 2, 3], lo80: [0, 1, 2], hi80: [2, 3, 4] }, 2), { mean: 3, lo80: 1, hi80: 5 });
});

test('booking pace compares with the same window by the same date an earlier year', () => {
  const p = bookingPace({ leadTimeDays: 45, bookedNow: 6, bookedThen: 5, finalThen: 20 });
  assert.equal(p.bookedLastYear, 5);
  assert.equal(p.pace, 7 / 6);
  assert.equal(p.projectedFinal, 20 * (7 / 6));
  const ahead = bookingPace({ leadTimeDays: 100, bookedNow: 3, bookedThen: 0, finalThen: 20 });
  assert.equal(ahead.pace, 4, 'ahead of a year that had sold nothing by then: finite');
  assert.ok(Number.isFinite(ahead.projectedFinal) && ahead.projectedFinal >= 3);
  assert.equal(bookingPace({ leadTimeDays: 100, bookedNow: 0, bookedThen: 0, finalThen: 20 }).pace, 1);
  assert.equal(bookingPace({ leadTimeDays: 0, bookedNow: 30, bookedThen: 40, finalThen: 50 }).projectedFinal, 50 * (31 / 41), 'a window under way projects from the same date too');
  assert.throws(() => bookingPace({ leadTimeDays: -1, bookedNow: 1, bookedThen: 0, finalThen: 1 }), (e: unknown) => e instanceof InputError && e.field === 'leadTimeDays');
  assert.throws(() => bookingPace({ leadTimeDays: 5, bookedNow: 1, bookedThen: 3, finalThen: 2 }), (e: unknown) => e instanceof InputError && e.field === 'bookedThen');
});
