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

test('booking pace compares with last year at the same lead time', () => {
  const lastYear = { 90: 2, 60: 5, 30: 10, 0: 20 };
  const p = bookingPace({ leadTimeDays: 45, bookedNow: 6, lastYear });
  assert.equal(p.bookedLastYear, 5, 'at 45 days before, last year had the bookings made by 60 days before');
  assert.equal(p.pace, 7 / 6);
  assert.equal(p.projectedFinal, 20 * (7 / 6));
  const ahead = bookingPace({ leadTimeDays: 100, bookedNow: 3, lastYear });
  assert.equal(ahead.pace, 4, 'ahead of a year that had sold nothing by now: finite');
  assert.ok(Number.isFinite(ahead.projectedFinal) && ahead.projectedFinal >= 3);
  assert.equal(bookingPace({ leadTimeDays: 100, bookedNow: 0, lastYear }).pace, 1);
  assert.throws(() => bookingPace({ leadTimeDays: -1, bookedNow: 1, lastYear }), (e: unknown) => e instanceof InputError && e.field === 'leadTimeDays');
  assert.throws(() => bookingPace({ leadTimeDays: 5, bookedNow: 1, lastYear: {} }), /no bookings curve/);
});
