import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { applyGuardrails, ceilingOf, checkGuardrailRule, marginFloor } from './guardrails.ts';

const couple = { cost: 1000, partySize: 2 };

test('no rule fires on a price inside every limit, and the answer shows the limits', () => {
  assert.deepEqual(applyGuardrails(1200, { ...couple, listPrice: 1250 }, { minMargin: 0.1, maxMargin: 1, maxChangeVsList: 0.2 }), {
    price: 1200,
    fired: null,
    unclamped: 1200,
    floor: 1100,
    ceiling: 2000,
    listBand: { lo: 1000, hi: 1500 },
  });
});

test('floor: never under cost x (1 + minMargin)', () => {
  assert.equal(marginFloor(1000, 0.15), 1150);
  const guarded = applyGuardrails(900, couple, { minMargin: 0.15 });
  assert.deepEqual([guarded.price, guarded.fired, guarded.unclamped, guarded.ceiling, guarded.listBand], [1150, 'floor', 900, null, null]);
});

test('ceiling: the lower of the margin ceiling and the per-traveller ceiling', () => {
  assert.equal(applyGuardrails(5000, couple, { minMargin: 0.1, maxMargin: 1 }).price, 2000);
  assert.equal(applyGuardrails(5000, couple, { minMargin: 0.1, maxMargin: 1 }).fired, 'ceiling');
  assert.equal(ceilingOf(couple, { minMargin: 0.1, maxMargin: 1, maxPricePerPax: 800 }), 1600, 'two travellers at 800');
  assert.equal(ceilingOf({ cost: 1000, partySize: 4 }, { minMargin: 0.1, maxMargin: 1, maxPricePerPax: 800 }), 2000, 'four travellers: the margin ceiling is lower');
  assert.equal(applyGuardrails(1700, couple, { minMargin: 0.1, maxPricePerPax: 800 }).fired, 'ceiling');
});

test('max_change: stays within the allowed move from the list price, both ways; not applied without a list price', () => {
  const up = applyGuardrails(1500, { cost: 500, partySize: 2, listPrice: 1000 }, { minMargin: 0.1, maxChangeVsList: 0.2 });
  assert.deepEqual([up.price, up.fired], [1200, 'max_change']);
  const down = applyGuardrails(700, { cost: 500, partySize: 2, listPrice: 1000 }, { minMargin: 0.1, maxChangeVsList: 0.2 });
  assert.equal(down.fired, 'max_change');
  assert.ok(Math.abs(down.price - 800) < 1e-9);
  assert.equal(applyGuardrails(1500, { cost: 500, partySize: 2 }, { minMargin: 0.1, maxChangeVsList: 0.2 }).fired, null);
});

test('precedence: the margin floor wins over the ceiling and the list price', () => {
  assert.equal(applyGuardrails(1000, { ...couple, listPrice: 900 }, { minMargin: 0.2, maxPricePerPax: 550, maxChangeVsList: 0.1 }).price, 1200);
  assert.equal(applyGuardrails(1000, { ...couple, listPrice: 900 }, { minMargin: 0.2, maxPricePerPax: 550, maxChangeVsList: 0.1 }).fired, 'floor');
  assert.equal(applyGuardrails(2000, { cost: 100, partySize: 2, listPrice: 1900 }, { minMargin: 0.1, maxPricePerPax: 750, maxChangeVsList: 0.5 }).fired, 'ceiling');
});

test('bad rules and contexts name the field', () => {
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  assert.throws(() => applyGuardrails(100, { cost: 0, partySize: 1 }, { minMargin: 0.1 }), isInput('cost'));
  assert.throws(() => applyGuardrails(NaN, { cost: 10, partySize: 1 }, { minMargin: 0.1 }), isInput('price'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 0 }, { minMargin: 0.1 }), isInput('partySize'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: -1 }), isInput('minMargin'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: 0.1, maxPricePerPax: -3 }), isInput('maxPricePerPax'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: 0.1, maxPricePerPax: 100.005 }), isInput('maxPricePerPax'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: 0.1, maxPricePerPax: 0.004 }), isInput('maxPricePerPax'));
  assert.throws(() => checkGuardrailRule({ minMargin: 0.1, maxPricePerPax: 9999999.995 }), isInput('maxPricePerPax'));
  for (const cents of [0.01, 19.99, 100.01, 1234567.89, 9999999.99]) checkGuardrailRule({ minMargin: 0.1, maxPricePerPax: cents });
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: 0.3, maxMargin: 0.2 }), isInput('maxMargin'));
  assert.throws(() => applyGuardrails(100, { cost: 10, partySize: 1 }, { minMargin: 0.1, maxChangeVsList: -0.1 }), isInput('maxChangeVsList'));
});
