import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kmeans } from 'ml-kmeans';
import { InputError } from '../../platform/errors.ts';
import { ModelStateError } from '../contract.ts';
import { adjustedRandIndex } from './adjusted-rand-index.ts';
import { CustomerSegmenter } from './customer-segmenter.ts';
import { LATENT_SEGMENTS, syntheticCustomers } from './synthetic-customers.ts';
import { untransform } from './standard-scaling.ts';

const train = syntheticCustomers(3000, { seed: 11 });
const holdout = syntheticCustomers(1500, { seed: 12 });
const model = await new CustomerSegmenter({ seed: 5 }).fit(train);

function expectInputError(run: () => unknown, field: string, message: RegExp): void {
  assert.throws(run, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.match(err.message, message);
    return true;
  });
}

async function expectFitError(data: Parameters<CustomerSegmenter['fit']>[0], field: string, message: RegExp): Promise<void> {
  await assert.rejects(new CustomerSegmenter({ maxSegments: 4 }).fit(data), (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.equal(err.field, field);
    assert.match(err.message, message);
    return true;
  });
}

test('finds the 4 latent segments: k = 4 and ARI ≥ 0.9 on held-out customers, above raw k-means', () => {
  assert.equal(model.metrics().segments, LATENT_SEGMENTS.length);
  const ari = adjustedRandIndex(model.predict(holdout.rows), holdout.truth);
  assert.ok(ari >= 0.9, `held-out ARI ${ari}`);
  assert.ok(adjustedRandIndex(model.predict(train.rows), train.truth) >= 0.8);
  // Baseline: k-means with the true k on unscaled features, where the budget in USD swamps every other feature.
  const filled = holdout.rows.map((row) => row.map((v) => (Number.isNaN(v) ? 0 : v)));
  const raw = kmeans(filled, LATENT_SEGMENTS.length, { seed: 5 });
  const baseline = adjustedRandIndex(raw.clusters, holdout.truth);
  assert.ok(ari > baseline + 0.1, `ARI ${ari} vs raw k-means ${baseline}`);
  const { silhouette, components, explainedVariance } = model.metrics();
  assert.ok(silhouette > 0.5 && components >= 1 && components < 7 && explainedVariance >= 0.9);
  assert.equal(Math.max(...Object.entries(model.silhouettes).map(([, s]) => s)), silhouette);
});

test('comparing k on a sample, then fitting the chosen k on everyone, finds the same segments', async () => {
  const sampled = await new CustomerSegmenter({ seed: 5, searchSample: 1000, silhouetteSample: 300 }).fit(train);
  assert.equal(sampled.metrics().segments, 4);
  assert.ok(adjustedRandIndex(sampled.predict(holdout.rows), holdout.truth) >= 0.8);
  assert.ok(adjustedRandIndex(sampled.predict(holdout.rows), model.predict(holdout.rows)) >= 0.95);
});

test('profiles give sizes, centroids in original units and readable names', () => {
  const profiles = model.profiles();
  assert.equal(profiles.length, 4);
  assert.equal(profiles.reduce((sum, p) => sum + p.size, 0), train.rows.length);
  for (let i = 1; i < profiles.length; i++) assert.ok(profiles[i - 1].size >= profiles[i].size, 'segments are numbered by size');
  assert.equal(new Set(profiles.map((p) => p.name)).size, 4, 'names are distinct');
  // The planners: 140 days ahead and groups of 9 in the generator.
  const planners = profiles.find((p) => p.centroid.avg_group_size > 6)!;
  assert.ok(Math.abs(planners.centroid.advance_booking_days - 140) < 10, `lead time ${planners.centroid.advance_booking_days}`);
  assert.ok(Math.abs(planners.centroid.avg_group_size - 9) < 1);
  assert.ok(planners.zScores.avg_group_size > 1);
  assert.match(planners.name, /^(Group organisers|Planners) with (long lead times|large groups)$/);
  assert.match(planners.description, /groups of 9/);
  assert.match(planners.description, /book 1[34]\d days ahead/);
  const luxury = profiles.find((p) => p.centroid.avg_budget > 4000)!;
  assert.match(luxury.name, /^Premium travellers/);
  assert.match(luxury.description, /budget USD 5,\d00/);
});

test('an emphasised feature counts twice: its axis is stretched by √2, and it still predicts from raw rows', async () => {
  const emphasised = await new CustomerSegmenter({ seed: 5, emphasised: ['age'] }).fit(train);
  const { weights } = emphasised.toArtifact().state.scaling;
  assert.deepEqual(weights, train.featureNames.map((name) => (name === 'age' ? Math.SQRT2 : 1)));
  assert.ok(adjustedRandIndex(emphasised.predict(holdout.rows), holdout.truth) >= 0.9);
  assert.deepEqual(CustomerSegmenter.fromArtifact(JSON.parse(JSON.stringify(emphasised.toArtifact()))).predict(holdout.rows), emphasised.predict(holdout.rows));
});

test('the same seed gives the same segments; the model does not change when predicting', async () => {
  const again = await new CustomerSegmenter({ seed: 5 }).fit(train);
  assert.deepEqual(again.predict(holdout.rows), model.predict(holdout.rows));
  assert.deepEqual(again.profiles(), model.profiles());
  assert.deepEqual(again.toArtifact(), model.toArtifact());
});

test('artefact round trip through JSON gives identical assignments, profiles and metrics', () => {
  const restored = CustomerSegmenter.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
  assert.deepEqual(restored.predict(holdout.rows), model.predict(holdout.rows));
  assert.deepEqual(restored.profiles(), model.profiles());
  assert.deepEqual(restored.metrics(), model.metrics());
  assert.deepEqual(restored.params, model.params);
  assert.throws(() => CustomerSegmenter.fromArtifact({ ...model.toArtifact(), family: 'price' }), ModelStateError);
  assert.throws(() => CustomerSegmenter.fromArtifact({ ...model.toArtifact(), formatVersion: 99 }), ModelStateError);
});

test('missing values take the training median: an all-missing customer lands where the median customer does', () => {
  const { medians, logged } = model.toArtifact().state.scaling;
  const medianCustomer = medians.map((m, c) => untransform(m, logged, c));
  assert.deepEqual(model.predict([train.featureNames.map(() => Number.NaN)]), model.predict([medianCustomer]));
  const partly = [...holdout.rows[0]];
  partly[2] = Number.NaN;
  assert.equal(model.predict([partly]).length, 1);
});

test('bad input is refused with an InputError naming the problem', async () => {
  const { customerIds, featureNames, rows } = train;
  await expectFitError({ customerIds: [], featureNames, rows: [] }, 'rows', /rows is empty/);
  await expectFitError({ customerIds, featureNames, rows: rows.map((r, i) => (i === 7 ? r.slice(1) : r)) }, 'rows', /row 7 \(customer C000008\) has 6 values, expected 7/);
  await expectFitError({ customerIds, featureNames, rows: rows.map((r) => r.map((v, c) => (c === 6 ? Number.NaN : v))) }, 'satisfaction', /satisfaction is missing \(NaN\) for every customer/);
  await expectFitError({ customerIds, featureNames, rows: rows.map((r, i) => (i === 3 ? [...r.slice(0, 2), Infinity, ...r.slice(3)] : r)) }, 'avg_budget', /row 3 .* Infinity for avg_budget/);
  await expectFitError({ customerIds: customerIds.slice(1), featureNames, rows }, 'customerIds', /2999 entries for 3000 rows/);
  await expectFitError({ customerIds, featureNames: [...featureNames.slice(0, 6), 'age'], rows }, 'featureNames', /age appears twice/);
  await expectFitError({ customerIds: customerIds.slice(0, 4), featureNames, rows: rows.slice(0, 4) }, 'rows', /4 customers are too few to try up to 4 segments/);
  expectInputError(() => model.predict([[1, 2, 3]]), 'rows', /row 0 has 3 values, expected 7/);
  expectInputError(() => model.predict([]), 'rows', /rows is empty/);
  expectInputError(() => new CustomerSegmenter({ minSegments: 5, maxSegments: 3 }), 'maxSegments', /\[5, 50\]/);
  expectInputError(() => new CustomerSegmenter({ varianceToKeep: 1.5 }), 'varianceToKeep', /\(0, 1\]/);
  await assert.rejects(new CustomerSegmenter({ emphasised: ['height'] }).fit(train), (err: unknown) => err instanceof InputError && err.field === 'emphasised' && /height is not among featureNames/.test(err.message));
  assert.throws(() => new CustomerSegmenter().predict(rows), ModelStateError);
});
