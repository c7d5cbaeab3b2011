import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poisson, substream } from '../../platform/random.ts';
import { ModelStateError } from '../contract.ts';
import { mase, seasonalNaiveScale } from './accuracy.ts';
import { DemandForecaster } from './demand-forecaster.ts';
import { MULTI_SEASONAL_CANDIDATES } from './multi-seasonal.ts';
import { dailySeries } from './synthetic-demand.ts';

const START = '2021-01-04';
const DAYS = 3 * 365 + 1;
const HORIZON = 56;

/** Daily departures with weekday and yearly cycles and Semana Santa, and small tours departing on two weekdays. */
function heldOut() {
  const regular = Array.from({ length: 10 }, (_, k) => {
    const y = dailySeries({ start: START, days: DAYS + HORIZON, level: 30 + 5 * (k % 6), trendPerDay: 0.005, weekendLift: 6 + (k % 4), yearlyAmplitude: 10, semanaSantaSpike: 15, noiseSd: 4, seed: 700 + k });
    return { id: `destination/d${k}/travellers`, values: y };
  });
  const intermittent = Array.from({ length: 4 }, (_, k) => {
    const rng = substream(40 + k, 'intermittent');
    // Day 0 is a Monday: departs on Tuesdays and Saturdays, under one traveller per departure on average.
    const y = Float64Array.from({ length: DAYS + HORIZON }, (_, t) => (t % 7 === 1 || t % 7 === 5 ? poisson(rng, 0.5 + 0.2 * k) : 0));
    return { id: `itinerary/i${k}/travellers`, values: y };
  });
  return [...regular, ...intermittent].map((s) => ({ id: s.id, history: s.values.subarray(0, DAYS), future: s.values.subarray(DAYS) }));
}

const set = heldOut();
const series = set.map((s) => ({ id: s.id, start: START, values: s.history }));

test('on daily data DemandForecaster fits the multi-seasonal forecaster and beats seasonal naive (7) on held-out days', async () => {
  const model = await new DemandForecaster({ seed: 1 }).fit({ series, frequency: 'daily', horizon: HORIZON });
  const forecasts = model.predict(set.map((s) => ({ seriesId: s.id })));
  let ours = 0;
  let naive = 0;
  let scored = 0;
  set.forEach((s, i) => {
    const f = forecasts[i];
    assert.equal(f.dates[0], '2024-01-05');
    assert.equal(f.mean.length, HORIZON);
    for (let h = 0; h < HORIZON; h++) assert.ok(0 <= f.lo95[h] && f.lo95[h] <= f.lo80[h] && f.lo80[h] <= f.mean[h] && f.mean[h] <= f.hi80[h] && f.hi80[h] <= f.hi95[h], `${s.id} step ${h}`);
    // Seasonal naive (7), computed here from the history: each day repeats the same weekday of the last week.
    const lastWeek = Array.from(s.history.subarray(DAYS - 7));
    const repeated = Array.from({ length: HORIZON }, (_, h) => lastWeek[h % 7]);
    const scale = seasonalNaiveScale(s.history, 7);
    ours += mase(s.future, f.mean, scale);
    naive += mase(s.future, repeated, scale);
    scored++;
  });
  assert.ok(ours / scored < 0.9 * (naive / scored), `MASE ${(ours / scored).toFixed(3)} vs seasonal naive (7) ${(naive / scored).toFixed(3)}`);
  const metrics = model.metrics();
  assert.equal(metrics.series, set.length);
  assert.equal(MULTI_SEASONAL_CANDIDATES.reduce((sum, c) => sum + metrics[`${c}_chosen`], 0), set.length);
  assert.ok(metrics.validation_mase > 0 && metrics.validation_mase <= metrics.seasonal_naive_validation_mase);
  assert.ok(MULTI_SEASONAL_CANDIDATES.includes(model.validationOf('itinerary/i0/travellers').chosen));
  assert.throws(() => model.backtestOf('itinerary/i0/travellers'), ModelStateError);
  const [reference] = model.predict([{ seriesId: set[0].id, strategy: 'seasonal_naive' }]);
  assert.deepEqual(Array.from(reference.mean.subarray(0, 7)), Array.from(set[0].history.subarray(DAYS - 7)).map((v) => Math.max(0, v)));
  assert.throws(() => model.predict([{ seriesId: set[0].id, strategy: 'ets' }]), /not one of this daily\/weekly model's/);
});

test('daily models: same forecasts from a second fit and after the artefact round trip, at any horizon; format 1 still reads', async () => {
  const one = await new DemandForecaster({ seed: 5, workers: 1 }).fit({ series, frequency: 'daily', horizon: HORIZON });
  const two = await new DemandForecaster({ seed: 5, workers: 2 }).fit({ series, frequency: 'daily', horizon: HORIZON });
  const artifact = JSON.parse(JSON.stringify(two.toArtifact()));
  assert.equal(artifact.formatVersion, 2);
  assert.equal(JSON.stringify(one.toArtifact().state), JSON.stringify(artifact.state), 'the same seed gives the same artefact, byte for byte');
  const restored = DemandForecaster.fromArtifact(artifact);
  for (const horizon of [HORIZON, 7, 120]) {
    const queries = set.map((s) => ({ seriesId: s.id, horizon }));
    assert.deepEqual(restored.predict(queries), two.predict(queries));
    assert.deepEqual(one.predict(queries), two.predict(queries));
  }
  assert.deepEqual(restored.metrics(), two.metrics());
  const weekly = await new DemandForecaster({ strategy: 'theta', workers: 1, origins: 1 }).fit({ series: series.slice(0, 2), frequency: 'weekly', horizon: 8 });
  const old = { ...weekly.toArtifact(), formatVersion: 1 };
  assert.deepEqual(DemandForecaster.fromArtifact(JSON.parse(JSON.stringify(old))).predict([{ seriesId: series[0].id }]), weekly.predict([{ seriesId: series[0].id }]));
  assert.throws(() => DemandForecaster.fromArtifact({ ...artifact, formatVersion: 3 }), /format 3/);
});
