import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { ModelStateError } from '../contract.ts';
import { backtestOrigins, DemandForecaster } from './demand-forecaster.ts';
import type { DemandObservation } from './series.ts';
import { monthlySeries, monthlyTruth } from './synthetic-demand.ts';
import { readCompetition } from './competition-benchmark.ts';
import { arimaForecast } from './arima.ts';

const DESTINATIONS = ['cusco', 'lima', 'arequipa', 'puno', 'paracas', 'iquitos', 'huaraz', 'mancora', 'trujillo', 'nazca', 'colca', 'tambopata', 'chachapoyas', 'ica', 'tacna', 'cajamarca', 'ayacucho', 'huancayo'];

function longTable(months: number): DemandObservation[] {
  return DESTINATIONS.flatMap((id, k) => {
    const y = monthlySeries({ level: 200 + 50 * k, trendPerMonth: k % 3, seasonAmplitude: 0.1 + 0.02 * k, months, noiseSd: 8, seed: k });
    return Array.from(y, (value, t) => ({ series_id: id, date: new Date(Date.UTC(2017, t, 1)).toISOString().slice(0, 10), value: Math.round(value) }));
  });
}

const table = longTable(72);
const options = { frequency: 'monthly' as const, horizon: 12 };

test('fits many series from a long table, beats seasonal naive on generated data and dates the forecast', async () => {
  const model = await new DemandForecaster({ seed: 3 }).fit({ rows: table, ...options });
  assert.equal(model.seriesIds.length, DESTINATIONS.length);
  const f = model.predict([{ seriesId: 'cusco' }])[0];
  assert.equal(f.mean.length, 12);
  assert.equal(f.dates[0], '2023-01-01');
  let errModel = 0;
  let errNaive = 0;
  DESTINATIONS.forEach((id, k) => {
    const p = model.predict([{ seriesId: id, horizon: 12 }])[0];
    for (let h = 0; h < 12; h++) {
      const truth = monthlyTruth({ level: 200 + 50 * k, trendPerMonth: k % 3, seasonAmplitude: 0.1 + 0.02 * k }, 72 + h);
      errModel += Math.abs(p.mean[h] - truth);
      errNaive += Math.abs(monthlyTruth({ level: 200 + 50 * k, trendPerMonth: k % 3, seasonAmplitude: 0.1 + 0.02 * k }, 60 + h) - truth);
      assert.ok(p.lo95[h] <= p.lo80[h] && p.lo80[h] <= p.mean[h] && p.mean[h] <= p.hi80[h] && p.hi80[h] <= p.hi95[h]);
    }
  });
  assert.ok(errModel < 0.6 * errNaive || errNaive === 0, `model error ${errModel.toFixed(0)} vs a year-old copy ${errNaive.toFixed(0)}`);
  const summary = model.backtestSummary();
  assert.ok(summary.ets.mase < summary.seasonal_naive.mase, `backtest ETS ${summary.ets.mase} vs naive ${summary.seasonal_naive.mase}`);
  assert.equal(summary.ets.perStep.mase.length, 12);
  assert.equal(model.metrics().ets_mase, summary.ets.mase);
  assert.equal(model.metrics().series, DESTINATIONS.length);
  assert.equal(model.predict([{ seriesId: 'cusco' }, { seriesId: 'lima', horizon: 3 }]).map((p) => p.mean.length).join(), '12,3');
  const longer = model.predict([{ seriesId: 'lima', horizon: 30 }])[0];
  assert.equal(longer.mean.length, 30);
});

test('same seed, same forecasts, with one or two worker threads; the artefact round trip is exact', async () => {
  const one = await new DemandForecaster({ seed: 7, workers: 1 }).fit({ rows: table, ...options });
  const two = await new DemandForecaster({ seed: 7, workers: 2 }).fit({ rows: table, ...options });
  for (const id of DESTINATIONS) assert.deepEqual(one.predict([{ seriesId: id }])[0], two.predict([{ seriesId: id }])[0]);
  assert.equal(JSON.stringify(one.toArtifact().state), JSON.stringify(two.toArtifact().state), 'the same seed gives the same artefact, byte for byte');
  const restored = DemandForecaster.fromArtifact(JSON.parse(JSON.stringify(two.toArtifact())));
  for (const id of DESTINATIONS) assert.deepEqual(restored.predict([{ seriesId: id, horizon: 18 }])[0], two.predict([{ seriesId: id, horizon: 18 }])[0]);
  assert.throws(() => DemandForecaster.fromArtifact({ ...two.toArtifact(), family: 'price' }), ModelStateError);
  assert.throws(() => new DemandForecaster().predict([{ seriesId: 'cusco' }])[0], ModelStateError);
});

test('an on-demand forecast for a series that was not fitted', async () => {
  const model = await new DemandForecaster({ workers: 1 }).fit({ rows: table.filter((r) => r.series_id === 'cusco' || r.series_id === 'lima'), ...options });
  const values = monthlySeries({ level: 80, trendPerMonth: 0, seasonAmplitude: 0.2, months: 48, noiseSd: 3, seed: 9 });
  const f = await model.forecast({ id: 'new-trek', start: '2019-01-01', values }, 6);
  assert.equal(f.dates[0], '2023-01-01');
  assert.equal(f.mean.length, 6);
  assert.throws(() => model.predict([{ seriesId: 'new-trek' }])[0], /not in the fitted table/);
});

test('bad input gives an InputError naming the series and the problem; gaps in counts are zeros', async () => {
  const base = table.filter((r) => r.series_id === 'puno');
  const expectInput = async (rows: DemandObservation[], pattern: RegExp, field: string) => {
    await assert.rejects(new DemandForecaster({ workers: 1 }).fit({ rows, ...options }), (err: unknown) => {
      assert.ok(err instanceof InputError, String(err));
      assert.match(err.message, pattern);
      assert.equal(err.field, field);
      return true;
    });
  };
  await expectInput([...base.slice(0, 10), { ...base[10], value: NaN }], /series puno: value on 2017-11-01 is not a number/, 'value');
  await expectInput([...base.slice(0, 10), { ...base[10], value: -3 }], /series puno: value on 2017-11-01 is negative/, 'value');
  await expectInput(base.slice(0, 3), /series puno: 3 observations; at least 4/, 'values');
  await expectInput([...base, { ...base[5] }], /series puno: two values for the monthly period starting 2017-06-01/, 'date');
  await expectInput([...base.slice(0, 4), { ...base[4], date: 'yesterday' }], /"yesterday" is not a date/, 'date');
  const withGap = [...base.slice(0, 20), ...base.slice(22)];
  await assert.rejects(new DemandForecaster({ gaps: 'error', workers: 1 }).fit({ rows: withGap, ...options }), /series puno: no value for the monthly period starting 2018-09-01 \(2 gaps\)/);
  const filled = await new DemandForecaster({ workers: 1 }).fit({ rows: withGap, ...options });
  assert.equal(filled.predict([{ seriesId: 'puno' }])[0].mean.length, 12);
  await assert.rejects(new DemandForecaster().fit({ rows: base, frequency: 'hourly' as 'daily', horizon: 3 }), /frequency must be one of/);
  await assert.rejects(new DemandForecaster().fit({ rows: base, ...options, horizon: 0 }), /horizon must be/);
  assert.throws(() => new DemandForecaster({ strategy: 'prophet' }), /strategy must be one of/);
});

test('competition fixtures: seasonal naive MASE matches an independent computation', async () => {
  const dir = new URL('./fixtures/', import.meta.url).pathname;
  for (const [frequency, m] of [['monthly', 12], ['quarterly', 4], ['yearly', 1]] as const) {
    const data = readCompetition(dir, frequency)!;
    const horizon = data.actual[0].length;
    const model = await new DemandForecaster({ strategy: 'seasonal_naive', workers: 1 }).fit({ series: data.train, frequency, horizon });
    data.train.forEach((s, i) => {
      // Independently: repeat the last season, divide the mean absolute error by the in-sample mean |y_t − y_{t−m}|.
      const y = Array.from(s.values);
      const scale = y.slice(m).reduce((sum, v, t) => sum + Math.abs(v - y[t]), 0) / (y.length - m);
      const actual = Array.from(data.actual[i]);
      const naive = actual.map((_, h) => y[y.length - m + (h % m)]);
      const expected = actual.reduce((sum, a, h) => sum + Math.abs(a - naive[h]), 0) / horizon / scale;
      const f = model.predict([{ seriesId: s.id }])[0];
      const got = actual.reduce((sum, a, h) => sum + Math.abs(a - f.mean[h]), 0) / horizon / scale;
      assert.ok(Math.abs(got - expected) < 1e-12, `${s.id}: ${got} vs ${expected}`);
    });
  }
});

test('seasonal data are backtested from more cut-offs than yearly data; a bad count names its field', () => {
  const params = new DemandForecaster().params;
  assert.equal(backtestOrigins(12, params), 5);
  assert.equal(backtestOrigins(4, params), 5);
  assert.equal(backtestOrigins(1, params), 3);
  assert.equal(backtestOrigins(12, new DemandForecaster({ seasonalOrigins: 2 }).params), 2);
  assert.throws(() => new DemandForecaster({ seasonalOrigins: 0 }), (err: unknown) => err instanceof InputError && err.field === 'seasonalOrigins');
});

test('a stored fit forecasts with the members it reconciled when fitted: an artefact from before ARIMA was reconciled still reproduces itself', async () => {
  const model = await new DemandForecaster({ seed: 5, workers: 1 }).fit({ rows: table.filter((r) => r.series_id === 'cusco' || r.series_id === 'lima'), ...options });
  const artifact = JSON.parse(JSON.stringify(model.toArtifact()));
  assert.deepEqual(artifact.state.series[0].reconciled, ['ets', 'arima']);
  const arima = (m: DemandForecaster) => Array.from(m.predict([{ seriesId: 'cusco', strategy: 'arima' }])[0].mean);
  // As stored before the record existed: ETS alone was reconciled.
  for (const s of artifact.state.series) delete s.reconciled;
  const older = DemandForecaster.fromArtifact(artifact);
  const fit = artifact.state.series.find((s: { id: string }) => s.id === 'cusco');
  const raw = arimaForecast(fit.models.find((m: { model: string }) => m.model === 'arima').state, options.horizon);
  assert.deepEqual(arima(older), Array.from(raw.mean, (v) => Math.max(0, v)), 'the older artefact leaves ARIMA as it was');
  assert.notDeepEqual(arima(model), arima(older), 'the new fit reconciles ARIMA');
  assert.deepEqual(arima(DemandForecaster.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())))), arima(model));
});
