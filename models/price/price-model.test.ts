import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { evaluateOnHoldout } from './holdout-evaluation.ts';
import { PriceModel } from './price-model.ts';
import { isDrySeason, pricingWorld, PRICING_FEATURES } from '../../test/worlds/pricing-world.ts';

const quotations = pricingWorld(3000, 31);
const featureNames = [...PRICING_FEATURES];
const fast = { trees: 60, boostingIterations: 300, seed: 4 };

test('PriceModel beats cost-plus and ridge on a time-based holdout, and its 80% range covers about 80%', async () => {
  const result = await evaluateOnHoldout(quotations, featureNames, fast);
  assert.ok(result.model.rmse < 0.7 * result.costPlus.rmse, `model ${result.model.rmse} vs cost-plus ${result.costPlus.rmse}`);
  assert.ok(result.model.rmse < 0.7 * result.ridge.rmse, `model ${result.model.rmse} vs ridge ${result.ridge.rmse}`);
  assert.ok(result.model.mape < result.costPlus.mape && result.model.mape < result.ridge.mape);
  assert.ok(result.intervalCoverage >= 0.72 && result.intervalCoverage <= 0.88, `coverage ${result.intervalCoverage}`);
});

test('fit records both learners, the baselines and the choice on the validation window', async () => {
  const model = await new PriceModel(fast).fit({ rows: quotations, featureNames });
  const v = model.validation;
  assert.ok(v.learners.forest && v.learners.boosting);
  assert.equal(v.chosen, v.learners.forest.rmse < v.learners.boosting.rmse ? 'forest' : 'boosting');
  assert.equal(v.rows, 450);
  assert.ok(Date.parse(v.from) >= Math.max(...quotations.map((q) => new Date(q.quotedAt).getTime())) - 200 * 86_400_000);
  const only = await new PriceModel({ ...fast, learner: 'forest' }).fit({ rows: quotations, featureNames });
  assert.deepEqual(Object.keys(only.validation.learners), ['forest']);
});

test('a suggestion adds up: baseValue plus contributions is the price, inside its range, with reasons', async () => {
  const model = await new PriceModel({ ...fast, learner: 'forest' }).fit({ rows: quotations, featureNames });
  for (const s of model.predict(quotations.slice(0, 30).map((q) => ({ features: q.features, cost: q.cost })))) {
    const total = Object.values(s.contributions).reduce((a, b) => a + b, s.baseValue);
    assert.ok(Math.abs(total - s.mean) < 1e-9 * s.mean, `${total} vs ${s.mean}`);
    assert.ok(s.lo80 < s.mean && s.mean < s.hi80);
    assert.ok(s.reasonCodes.length <= 3);
    for (let i = 1; i < s.reasonCodes.length; i++) assert.ok(Math.abs(s.reasonCodes[i - 1].amount) >= Math.abs(s.reasonCodes[i].amount));
  }
  const peakLate = { departure_month: 7, lead_time_days: 10, group_size: 2, hotel_stars: 3, days: 5, destination: 0, agency: 0 };
  const describe = (feature: string, value: number) =>
    feature === 'departure_month' && isDrySeason(value) ? 'departure in peak dry season' : `${feature} ${value}`;
  const [s] = model.predict([{ features: peakLate, cost: 2000 }], { describe, maxReasons: 7 });
  const season = s.reasonCodes.find((r) => r.feature === 'departure_month');
  assert.ok(season && season.amount > 0, 'peak season raises the price');
  assert.match(season.text, /^\+USD [\d,]+: departure in peak dry season$/);
  const [labelled] = model.predict([{ features: peakLate, cost: 2000 }], { labels: { group_size: 'Group size (pax)' }, currency: 'PEN', maxReasons: 7 });
  assert.match(labelled.reasonCodes.find((r) => r.feature === 'group_size')!.text, /^[+−]PEN [\d,]+: Group size \(pax\): 2$/);
  assert.deepEqual(model.predict([{ features: peakLate, cost: 2000 }])[0].mean, s.mean);
});

test('metrics report the validation window as numbers, the chosen learner\'s errors first', async () => {
  const model = await new PriceModel({ ...fast, learner: 'forest' }).fit({ rows: quotations, featureNames });
  const m = model.metrics();
  assert.equal(m.rmse, model.validation.learners.forest!.rmse);
  assert.equal(m.cost_plus_rmse, model.validation.costPlus.rmse);
  assert.equal(m.coverage80, model.validation.intervalCoverage);
  assert.equal(m.validation_rows, 450);
  assert.equal(m.trained_rows, quotations.length);
  assert.ok(Object.values(m).every((v) => Number.isFinite(v)));
});

test('artefact round trip through JSON gives identical suggestions and params, batch equals single', async () => {
  const model = await new PriceModel(fast).fit({ rows: quotations, featureNames });
  const restored = PriceModel.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
  const queries = quotations.slice(0, 20).map((q) => ({ features: q.features, cost: q.cost }));
  assert.deepEqual(restored.predict(queries), model.predict(queries));
  assert.deepEqual(model.predict(queries)[3], model.predict([queries[3]])[0]);
  assert.deepEqual(restored.validation, model.validation);
  assert.deepEqual(restored.params, model.params);
  const artifact = model.toArtifact();
  assert.throws(() => PriceModel.fromArtifact({ ...artifact, params: { ...artifact.params, trees: 'many' } }), /parameter trees is "many", not a number/);
});

test('bad input is refused with the field named', async () => {
  const isInput = (field: string) => (e: unknown) => e instanceof InputError && e.field === field;
  await assert.rejects(new PriceModel().fit({ rows: [], featureNames }), isInput('rows'));
  await assert.rejects(new PriceModel().fit({ rows: quotations, featureNames: [] }), isInput('featureNames'));
  const withNaN = quotations.map((q, i) => (i === 5 ? { ...q, features: { ...q.features, lead_time_days: NaN } } : q));
  await assert.rejects(new PriceModel().fit({ rows: withNaN, featureNames }), (e: unknown) => isInput('lead_time_days')(e) && /quotation 5/.test((e as Error).message));
  const missing = quotations.map((q, i) => (i === 7 ? { ...q, features: { ...q.features, group_size: undefined as unknown as number } } : q));
  await assert.rejects(new PriceModel().fit({ rows: missing, featureNames }), isInput('group_size'));
  const badDate = quotations.map((q, i) => (i === 2 ? { ...q, quotedAt: 'yesterday' } : q));
  await assert.rejects(new PriceModel().fit({ rows: badDate, featureNames }), isInput('quotedAt'));
  await assert.rejects(new PriceModel().fit({ rows: quotations.slice(0, 40), featureNames }), isInput('rows'));
  assert.throws(() => new PriceModel({ coverage: 1.2 }), isInput('coverage'));

  const model = await new PriceModel({ ...fast, learner: 'boosting' }).fit({ rows: quotations.slice(0, 600), featureNames });
  const { hotel_stars: _dropped, ...noStars } = quotations[0].features;
  assert.throws(() => model.predict([{ features: noStars, cost: 100 }]), isInput('hotel_stars'));
  assert.throws(() => model.predict([{ features: quotations[0].features, cost: -5 }]), isInput('cost'));
  assert.throws(() => model.predict([quotations[1], { features: { ...quotations[0].features, days: Infinity }, cost: 10 }]), (e: unknown) => isInput('days')(e) && /query 1/.test((e as Error).message));
});
