import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { applyGuardrails, marginFloor } from './guardrails.ts';

test('no rule fires on a price inside every limit', () => {
  assert.deepEqual(applyGuardrails(1200, { cost: 1000, listPrice: 1250 }, { minMargin: 0.1, maxPrice: 2000, maxChangeVsList: 0.2 }), { price: 1200, fired: null, unclamped: 1200 });
});

test('floor: never under cost x (1 + minMargin)', () => {
  assert.equal(marginFloor(1000, 0.15), 1150);
  assert.deepEqual(applyGuardrails(900, { cost: 1000 }, { minMargin: 0.15 }), { price: 1150, fired: 'floor', unclamped: 900 });
});

test('ceiling: never over maxPrice', () => {
  assert.deepEqual(applyGuardrails(5000, { cost: 1000 }, { minMargin: 0.1, maxPrice: 3000 }), { price: 3000, fired: 'ceiling', unclamped: 5000 });
});

test('max_change: stays within the allowed move from the list price, both ways', () => {
  assert.deepEqual(applyGuardrails(1500, { cost: 500, listPrice: 1000 }, { minMargin: 0.1, maxChangeVsList: 0.2 }), { price: 1200, fired: 'max_change', unclamped: 1500 });
  const down = applyGuardrails(700, { cost: 500, listPrice: 1000 }, { minMargin: 0.1, maxChangeVsList: 0.2 });
  assert.equal(down.fired, 'max_change');
  assert.ok(Math.abs(down.price - 800) < 1e-9);
});

test('precedence: the margin floor wins over the ceiling and the list price', () => {
  assert.deepEqual(applyGuardrails(1000, { cost: 1000, listPrice: 900 }, { minMargin: 0.2, maxPrice: 1100, maxChangeVsList: 0.1 }), { price: 1200, fired: 'floor', unclamped: 1000 });
  assert.equal(applyGuardrails(2000, { cost: 100, listPrice: 1900 }, { minMargin: 0.1, maxPrice: 1500, maxChangeVsList: 0.5 }).fired, 'ceiling');
});

test('bad rules and contexts name the field', () => {
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  assert.throws(() => applyGuardrails(100, { cost: 0 }, { minMargin: 0.1 }), isInput('cost'));
  assert.throws(() => applyGuardrails(NaN, { cost: 10 }, { minMargin: 0.1 }), isInput('price'));
  assert.throws(() => applyGuardrails(100, { cost: 10 }, { minMargin: -1 }), isInput('minMargin'));
  assert.throws(() => applyGuardrails(100, { cost: 10 }, { minMargin: 0.1, maxChangeVsList: 0.2 }), isInput('listPrice'));
  assert.throws(() => applyGuardrails(100, { cost: 10 }, { minMargin: 0.1, maxPrice: -3 }), isInput('maxPrice'));
});
