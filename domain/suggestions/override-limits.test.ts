import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highestExpectedPrice, limitAbove, limitBelow, type OverrideLimits } from './decide-suggestion.ts';

const open = { ceiling: null, band_hi: null };

test('the highest price an override may have unconfirmed is in cents, the lowest of the ceiling, the list band and 1.5 times the prices', () => {
  // 1.5 × 1433.33 is 2149.995: 2150.00 was refused as "above 2,150.00".
  assert.equal(highestExpectedPrice({ suggested_price: 1433.33, current_price: 1200, ...open }), 2150);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ceiling: 1500.456, band_hi: null }), 1500.46);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ceiling: 9000, band_hi: null }), 1800);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ceiling: 9000, band_hi: 1250 }), 1250);
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
