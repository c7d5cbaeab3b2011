import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateWindow, departuresAhead, MAX_WINDOW_DAYS, today } from './date-window.ts';

test('a window with defaults: from ≤ to, bounded in length, and a default end past 9999 blamed on from', () => {
  assert.deepEqual(dateWindow('2026-03-01', undefined, { from: '2026-01-01', days: 30 }), { from: '2026-03-01', to: '2026-03-31' });
  assert.deepEqual(dateWindow(undefined, undefined, { from: '2026-01-01', days: 30 }), { from: '2026-01-01', to: '2026-01-31' });
  assert.throws(() => dateWindow('2026-03-01', '2026-02-01', { from: '2026-01-01', days: 30 }), (err: Error & { field?: string }) => err.field === 'to');
  assert.throws(() => dateWindow('2026-01-01', '2030-01-01', { from: '2026-01-01', days: 30 }), new RegExp(`at most ${MAX_WINDOW_DAYS}`));
  assert.throws(() => dateWindow('9999-12-31', undefined, { from: '2026-01-01', days: 180 }), (err: Error & { field?: string }) => {
    assert.equal(err.field, 'from');
    assert.match(err.message, /leaves no room for the default 180-day window before 9999-12-31/);
    return true;
  });
  assert.deepEqual(dateWindow('9999-12-01', '9999-12-31', { from: '2026-01-01', days: 180 }), { from: '9999-12-01', to: '9999-12-31' });
});

test('a window starting before the warehouse\'s calendar is refused naming from, and today is Lima\'s day', () => {
  assert.throws(() => dateWindow('0001-01-01', '0001-02-01', { from: '2026-01-01', days: 30 }), (err: Error & { field?: string }) => {
    assert.equal(err.field, 'from');
    assert.match(err.message, /from must be 1973-01-01 or later, got 0001-01-01/);
    return true;
  });
  // 20:00 in Lima on 7 December is 01:00 UTC on the 8th.
  assert.equal(today(Date.parse('2026-12-08T01:00:00Z')), '2026-12-07');
  assert.equal(today(Date.parse('2026-12-08T05:00:00Z')), '2026-12-08');
});

test('a window of departures to offer starts today; one wholly in the past is refused naming from', () => {
  assert.deepEqual(departuresAhead({ from: '2026-12-01', to: '2026-12-20' }, '2026-12-08'), { from: '2026-12-08', to: '2026-12-20' });
  assert.deepEqual(departuresAhead({ from: '2026-12-08', to: '2026-12-08' }, '2026-12-08'), { from: '2026-12-08', to: '2026-12-08' });
  assert.deepEqual(departuresAhead({ from: '2026-12-10', to: '2026-12-20' }, '2026-12-08'), { from: '2026-12-10', to: '2026-12-20' });
  assert.throws(() => departuresAhead({ from: '2026-11-01', to: '2026-12-07' }, '2026-12-08'), (err: Error & { field?: string }) => {
    assert.equal(err.field, 'from');
    assert.match(err.message, /wholly before today \(2026-12-08 in Lima\)/);
    return true;
  });
});
