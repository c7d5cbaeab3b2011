import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../platform/errors.ts';
import { MODEL_FAMILIES } from '../../../models/families.ts';
import { runParam } from './step-params.ts';

const demand = MODEL_FAMILIES.demand.params;
const price = MODEL_FAMILIES.price.params;
const named = (name: string) => (err: unknown) => err instanceof InputError && err.field === name;

test('a family run parameter takes its default, accepts a value in range and refuses one outside by name', () => {
  assert.equal(runParam({ params: {} }, price.trees), 50);
  assert.equal(runParam({ params: { priceTrees: '120' } }, price.trees), 120);
  assert.throws(() => runParam({ params: { priceTrees: 5 } }, price.trees), named('priceTrees'));
  assert.equal(runParam({ params: {} }, demand.strategy), 'best');
  assert.equal(runParam({ params: { demandStrategy: 'theta' } }, demand.strategy), 'theta');
  assert.throws(() => runParam({ params: { demandStrategy: 'prophet' } }, demand.strategy), named('demandStrategy'));
  assert.equal(runParam({ params: { demandNeural: 'true' } }, demand.neural), true);
  assert.equal(runParam({ params: {} }, price.segmentationVersion), undefined);
  assert.equal(runParam({ params: { segmentationVersion: ' segmentation-000002 ' } }, price.segmentationVersion), 'segmentation-000002');
  assert.equal(runParam({ params: { segmentationVersion: 'champion' } }, price.segmentationVersion), 'champion');
  for (const wrong of ['price-000001', 'segmentation-1', 'latest']) {
    assert.throws(() => runParam({ params: { segmentationVersion: wrong } }, price.segmentationVersion), named('segmentationVersion'), wrong);
  }
});
