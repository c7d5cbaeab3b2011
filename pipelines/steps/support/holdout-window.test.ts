import { test } from 'node:test';
import assert from 'node:assert/strict';
import { holdoutMovedOn, holdoutWindow } from './holdout-window.ts';

test('a holdout moved on is the same kind of holdout, later: every family’s ids', () => {
  const price = (asOf: string, extra = 'accepted') => holdoutWindow('price', new Date(asOf), 3, extra).id;
  assert.equal(holdoutMovedOn(price('2026-12-06'), price('2026-11-20')), true, 'next month');
  assert.equal(holdoutMovedOn(price('2026-11-06'), price('2026-12-06')), false, 'a backfill: an older window');
  assert.equal(holdoutMovedOn(price('2026-12-06', 'all'), price('2026-11-06')), false, 'another population');
  assert.equal(holdoutMovedOn(price('2026-12-06'), price('2026-12-06')), false, 'the same holdout is compared, not moved on');
  const shorter = (asOf: string, months: number) => holdoutWindow('price', new Date(asOf), months, 'accepted').id;
  assert.equal(holdoutMovedOn(shorter('2026-12-06', 1), shorter('2026-12-06', 3)), false, 'a shorter window ending on the same day');
  assert.equal(holdoutMovedOn(shorter('2027-01-06', 1), shorter('2026-12-06', 3)), false, 'a shorter window ending later');
  assert.equal(holdoutMovedOn(shorter('2027-01-06', 3), shorter('2026-12-06', 3)), true, 'the same length, a month on');

  const segments = (month: string, seed: number) => `segmentation:customers-as-of-${month}:one-in-5-seed-${seed}`;
  assert.equal(holdoutMovedOn(segments('2026-12', 42), segments('2026-11', 42)), true);
  assert.equal(holdoutMovedOn(segments('2026-12', 7), segments('2026-11', 42)), false, 'another seed');

  const nlu = (catalogue: string, seed = 1) => `nlu:generated-seed-${seed}-per-40-one-in-5-catalogue-${catalogue}`;
  assert.equal(holdoutMovedOn(nlu('0a1b2c3d4e5f'), nlu('ffeeddccbbaa')), true, 'the catalogue changed: what it must recognise moved on');
  assert.equal(holdoutMovedOn(nlu('0a1b2c3d4e5f', 2), nlu('0a1b2c3d4e5f')), false, 'another seed');
  assert.equal(holdoutMovedOn(nlu('0a1b2c3d4e5f'), undefined), false);
});
