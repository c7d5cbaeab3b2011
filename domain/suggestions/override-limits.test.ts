import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highestExpectedPrice, limitAbove, limitBelow, type OverrideLimits } from './decide-suggestion.ts';

const open = { floor: null, ceiling: null, band_lo: null, band_hi: null };

test('the highest price an override may have unconfirmed is in cents, the lowest of the ceiling, the list band and 1.5 times the prices', () => {
  // 1.5 × 1433.33 is 2149.995: 2150.00 was refused as "above 2,150.00".
  assert.equal(highestExpectedPrice({ suggested_price: 1433.33, current_price: 1200, ...open }), 2150);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ...open, ceiling: 1500.456 }), 1500.46);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ...open, ceiling: 9000 }), 1800);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ...open, ceiling: 9000, band_hi: 1250 }), 1250);
});

test('an override is held to the whole rule: cost, floor and list band going down; ceiling, list band and the expected going up', () => {
  // A list price of 1000 with a ±25% band, cost 600, floor 660 (10% margin), ceiling 1400, suggested 1000.
  const s: OverrideLimits = { suggested_price: 1000, current_price: 1000, cost_total: 600, floor: 660, ceiling: 1400, band_lo: 750, band_hi: 1250 };
  const below = (price: number) => limitBelow(price, s);
  const above = (price: number) => limitAbove(price, s);
  assert.deepEqual([below(599), below(659), below(749), below(750), below(1000)], ['cost', 'floor', 'list_band', null, null]);
  assert.deepEqual([above(1250), above(1251), above(1401)], [null, 'list_band', 'ceiling']);
  // Without a rule's ceiling or band, only a price past 1.5 times the suggestion asks for a confirmation.
  const bare: OverrideLimits = { ...s, ceiling: null, band_lo: null, band_hi: null };
  assert.deepEqual([limitBelow(700, bare), limitAbove(1500, bare), limitAbove(1500.01, bare)], [null, null, 'highest_expected']);
});

test('a rule whose floor is above the band, or whose ceiling is under it, asks for no confirmation of a price it sets itself', () => {
  // Found by a review: the suggestion itself (the floor, 1210, above a band of 900–1100) was "above the list band".
  const floored: OverrideLimits = { suggested_price: 1210, current_price: 1000, cost_total: 1100, floor: 1210, ceiling: null, band_lo: 900, band_hi: 1100 };
  assert.deepEqual([limitBelow(1210, floored), limitAbove(1210, floored)], [null, null]);
  assert.deepEqual([limitBelow(1209, floored), limitAbove(1209, floored)], ['floor', null]);
  assert.equal(highestExpectedPrice(floored), 1210);
  // A ceiling of 1600 under a band of 1800–2200: the ceiling is the price; above it is above the ceiling, never both ways.
  const capped: OverrideLimits = { suggested_price: 1600, current_price: 2000, cost_total: 800, floor: 900, ceiling: 1600, band_lo: 1800, band_hi: 2200 };
  assert.deepEqual([limitBelow(1600, capped), limitAbove(1600, capped)], [null, null]);
  assert.deepEqual([limitBelow(1700, capped), limitAbove(1700, capped)], [null, 'ceiling']);
  assert.deepEqual([limitBelow(1500, capped), limitAbove(1500, capped)], ['list_band', null]);
});
