import { test } from 'node:test';
import assert from 'node:assert/strict';
import { highestExpectedPrice } from './decide-suggestion.ts';

test('the highest price an override may have unconfirmed is in cents, the lower of the ceiling and 1.5 times the prices', () => {
  // 1.5 × 1433.33 is 2149.995: 2150.00 was refused as "above 2,150.00".
  assert.equal(highestExpectedPrice({ suggested_price: 1433.33, current_price: 1200, ceiling: null }), 2150);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ceiling: 1500.456 }), 1500.46);
  assert.equal(highestExpectedPrice({ suggested_price: 1000, current_price: 1200, ceiling: 9000 }), 1800);
});
