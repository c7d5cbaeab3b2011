import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../platform/random.ts';
import { componentsToKeep, fitProjection, project } from './principal-components.ts';
import { segmentDescription, segmentName } from './segment-profiles.ts';
import { sampleIndices, silhouetteScore } from './silhouette.ts';
import { fitScaling, median, scaleRow } from './standard-scaling.ts';

test('silhouette of two tight pairs matches the hand computation', () => {
  // Points 0,1 | 10,11: a = 1 for all; b = 10.5 for the outer points, 9.5 for the inner ones.
  const expected = (9.5 / 10.5 + 8.5 / 9.5) / 2;
  assert.ok(Math.abs(silhouetteScore([[0], [1], [10], [11]], [0, 0, 1, 1], 2) - expected) < 1e-12);
  assert.ok(silhouetteScore([[0], [10], [1], [11]], [0, 0, 1, 1], 2) < 0, 'a wrong grouping scores below 0');
});

test('sampleIndices is seeded, distinct and bounded', () => {
  const a = sampleIndices(10_000, 500, mulberry32(3));
  assert.deepEqual(a, sampleIndices(10_000, 500, mulberry32(3)));
  assert.equal(new Set(a).size, 500);
  assert.ok(a.every((i) => i >= 0 && i < 10_000));
  assert.deepEqual(sampleIndices(4, 500, mulberry32(3)), [0, 1, 2, 3]);
});

test('scaling imputes the median and standardises; a constant feature scales to 0', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  const scaling = fitScaling([[1, 7], [Number.NaN, 7], [5, 7]], ['lead_time', 'constant']);
  assert.deepEqual(scaling.medians, [3, 7]);
  assert.deepEqual(scaling.means, [3, 7]);
  assert.deepEqual(scaling.sds, [Math.sqrt(8 / 3), 1]);
  assert.deepEqual(scaleRow([Number.NaN, 7], scaling), [0, 0]);
});

test('a right-skewed amount is scaled on a log axis, a share or a signed value is not', () => {
  // Party sizes: most travel alone or in pairs, a few in large groups (skewness well above 1).
  const parties = [1, 1, 1, 2, 2, 2, 2, 3, 24, 30];
  const shares = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const signed = [-30, 1, 1, 2, 2, 2, 2, 3, 24, 30];
  const scaling = fitScaling(parties.map((p, i) => [p, shares[i], signed[i]]), ['avg_group_size', 'standard_share', 'change']);
  assert.deepEqual(scaling.logged, [true, false, false]);
  assert.equal(scaling.medians[0], Math.log1p(2));
  const logs = parties.map((p) => Math.log1p(p));
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / logs.length);
  const [z30, zShare] = scaleRow([30, 0.5, 2], scaling);
  assert.ok(Math.abs(z30 - (Math.log1p(30) - mean) / sd) < 1e-12);
  assert.ok(Math.abs(zShare - (0.5 - 0.45) / Math.sqrt(0.0825)) < 1e-12);
});

test('PCA keeps the fewest components reaching the variance share', () => {
  assert.equal(componentsToKeep([0.6, 0.3, 0.1], 0.9), 2);
  assert.equal(componentsToKeep([0.6, 0.3, 0.1], 0.91), 3);
  assert.equal(componentsToKeep([0.6, 0.3, 0.1], 1), 3);
  // Two perfectly correlated features and one independent: two components explain everything.
  const rng = mulberry32(1);
  const rows = Array.from({ length: 200 }, () => {
    const a = rng() - 0.5;
    return [a, -a, rng() - 0.5];
  });
  const { components, explainedVariance } = fitProjection(rows, 0.999);
  assert.equal(components.length, 2);
  assert.ok(Math.abs(explainedVariance.reduce((x, y) => x + y) - 1) < 1e-9);
  assert.equal(project([1, 0, 0], components).length, 2);
});

test('names come from the strongest traits; descriptions state values in business units', () => {
  const z = { advance_booking_days: 1.8, avg_group_size: 1.2, avg_budget: 0.6, age: 0.1 };
  assert.equal(segmentName(z), 'Planners with large groups');
  assert.equal(
    segmentDescription({ advance_booking_days: 140.2, avg_group_size: 8.7, avg_budget: 2093, age: 41 }, z),
    'book 140 days ahead, groups of 9, budget USD 2,100',
  );
  assert.equal(segmentName({ avg_budget: -0.9 }), 'Budget travellers');
  assert.equal(segmentName({ age: 0.2, avg_budget: -0.1 }), 'Typical customers');
  assert.equal(segmentName({ nps: 2 }), 'High-nps customers');
});
