import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { eventsToInteractions, timeDecay, type CustomerEvent } from './confidence.ts';

const asOf = '2026-01-01T00:00:00Z';
const ev = (kind: CustomerEvent['kind'], ts: string, extra: Partial<CustomerEvent> = {}): CustomerEvent => ({ userId: 'u1', itemId: 'cusco-4d', kind, ts, ...extra });

test('a booking weighs more than a quotation, and both halve every half-life', () => {
  const [booking] = eventsToInteractions([ev('booking', asOf)], { asOf });
  const [quotation] = eventsToInteractions([ev('quotation', asOf)], { asOf });
  assert.ok(booking.weight > quotation.weight);
  const [old] = eventsToInteractions([ev('booking', '2025-07-05T00:00:00Z')], { asOf, halfLifeDays: 180 });
  assert.ok(Math.abs(old.weight - booking.weight / 2) < 1e-9);
  assert.equal(timeDecay(-10, 30), 1, 'an event after asOf is fresh, never boosted');
});

test('a cancellation takes back its booking and the pair is dropped, never negative', () => {
  const out = eventsToInteractions([ev('booking', asOf), ev('cancellation', asOf)], { asOf });
  assert.deepEqual(out, []);
  const withQuote = eventsToInteractions([ev('booking', asOf), ev('cancellation', asOf), ev('quotation', asOf)], { asOf });
  assert.equal(withQuote.length, 1);
  assert.equal(withQuote[0].kind, 'quotation', 'a cancelled booking is not what explanations cite');
  assert.ok(withQuote[0].weight > 0);
});

test('a poor rating outweighs a quotation; a good one adds confidence', () => {
  assert.deepEqual(eventsToInteractions([ev('quotation', asOf), ev('rating', asOf, { rating: 1 })], { asOf }), []);
  const [good] = eventsToInteractions([ev('quotation', asOf), ev('rating', asOf, { rating: 5 })], { asOf });
  assert.equal(good.weight, 1 + 2);
  assert.equal(good.kind, 'rating');
});

test('pairs are aggregated with the latest timestamp', () => {
  const out = eventsToInteractions([ev('quotation', '2025-12-01T00:00:00Z'), ev('booking', '2025-12-20T00:00:00Z'), ev('quotation', asOf, { itemId: 'lima-1d' })], { asOf });
  assert.equal(out.length, 2);
  const cusco = out.find((i) => i.itemId === 'cusco-4d')!;
  assert.equal(cusco.kind, 'booking');
  assert.equal(cusco.ts, Date.parse('2025-12-20T00:00:00Z'));
});

test('bad events name the field at fault', () => {
  const field = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      assert.ok(err instanceof InputError);
      return err.field;
    }
    assert.fail('expected an InputError');
  };
  assert.equal(field(() => eventsToInteractions([ev('rating', asOf, { rating: 9 })], { asOf })), 'rating');
  assert.equal(field(() => eventsToInteractions([ev('booking', 'yesterday')], { asOf })), 'ts');
  assert.equal(field(() => eventsToInteractions([{ ...ev('booking', asOf), kind: 'refund' as never }], { asOf })), 'kind');
  assert.equal(field(() => eventsToInteractions([ev('booking', asOf, { userId: '' })], { asOf })), 'userId');
  assert.equal(field(() => eventsToInteractions([], { asOf, halfLifeDays: 0 })), 'halfLifeDays');
});
