import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DemandForecaster } from './demand-forecaster.ts';
import { nbeatsForecasts, restoreNetwork, serialiseNetwork, trainNBeats, type NBeatsParams } from './nbeats.ts';
import { monthlySeries, monthlyTruth } from './synthetic-demand.ts';

const params: NBeatsParams = { inputLength: 24, horizon: 6, blocks: 2, units: 32, layersPerBlock: 2, epochs: 40, batchSize: 64, learningRate: 3e-3, windowsPerSeries: 30, seed: 5 };
const patterns = Array.from({ length: 8 }, (_, k) => ({ level: 100 + 40 * k, trendPerMonth: 0, seasonAmplitude: 0.15 + 0.05 * (k % 4) }));
const series = patterns.map((p, k) => monthlySeries({ ...p, months: 72, noiseSd: 2, seed: k }));

test('the global network learns the seasonal shape across series, deterministically, and survives serialisation', async () => {
  const ends = series.map(() => 66);
  const a = await trainNBeats(series, ends, params);
  const b = await trainNBeats(series, ends, params);
  const requests = series.map((values) => ({ values, end: 66 }));
  const fa = nbeatsForecasts(a, requests, params);
  assert.deepEqual(nbeatsForecasts(b, requests, params), fa);

  let errNet = 0;
  let errFlat = 0;
  fa.forEach((f, k) => {
    const window = series[k].subarray(42, 66);
    const flat = window.reduce((s, v) => s + v, 0) / window.length;
    for (let h = 0; h < 6; h++) {
      const truth = monthlyTruth(patterns[k], 66 + h);
      errNet += Math.abs(f.mean[h] - truth);
      errFlat += Math.abs(flat - truth);
      assert.ok(f.lo95[h] <= f.lo80[h] && f.lo80[h] <= f.mean[h] && f.mean[h] <= f.hi80[h] && f.hi80[h] <= f.hi95[h]);
    }
  });
  assert.ok(errNet < 0.6 * errFlat, `network ${errNet.toFixed(1)} vs flat ${errFlat.toFixed(1)}`);

  const restored = await restoreNetwork(JSON.parse(JSON.stringify(await serialiseNetwork(a.model))));
  assert.deepEqual(nbeatsForecasts({ ...a, model: restored }, requests, params), fa);
});

test('DemandForecaster with two networks: backtested like the others, artefact round trip, new series on demand', async () => {
  const rows = series.flatMap((values, k) => Array.from(values, (value, t) => ({ series_id: `departure-${k}`, date: new Date(Date.UTC(2018, t, 1)), value })));
  const model = await new DemandForecaster({ neural: true, neuralEpochs: 5, neuralMembers: 2, workers: 1, seed: 2 }).fit({ rows, frequency: 'monthly', horizon: 6 });
  assert.ok(['wasm', 'cpu', 'tensorflow'].includes(model.neuralBackend!));
  const scores = model.backtestOf('departure-0');
  assert.ok(Number.isFinite(scores.backtest.nbeats.mase));
  assert.ok(scores.weights.nbeats > 0);
  assert.ok(Number.isFinite(scores.backtest.nbeats_2.mase) && scores.weights.nbeats_2 > 0, 'the second network is a member of its own');
  const [first, second] = (['nbeats', 'nbeats_2'] as const).map((strategy) => model.predict([{ seriesId: 'departure-0', strategy: strategy as 'nbeats' }])[0].mean);
  assert.notDeepEqual(first, second, 'each network from its own seed');
  const restored = DemandForecaster.fromArtifact(JSON.parse(JSON.stringify(model.toArtifact())));
  assert.deepEqual(restored.predict([{ seriesId: 'departure-3' }])[0], model.predict([{ seriesId: 'departure-3' }])[0]);
  const fresh = { id: 'new', start: '2018-01-01', values: monthlySeries({ level: 90, trendPerMonth: 0, seasonAmplitude: 0.2, months: 60, noiseSd: 2, seed: 99 }) };
  assert.deepEqual(await restored.forecast(fresh), await model.forecast(fresh));
  assert.equal(model.predict([{ seriesId: 'departure-1', strategy: 'nbeats' }])[0].mean.length, 6);
  assert.equal(model.predict([{ seriesId: 'departure-1', horizon: 9 }])[0].mean.length, 9, 'beyond the network horizon the statistical models carry on');
});

test('the network trained while two worker threads fit the statistical members gives what one thread gives', async () => {
  // Sixteen series: fewer stay on the calling thread (fit-pool.ts), and the overlap would not be exercised.
  const many = Array.from({ length: 16 }, (_, k) => monthlySeries({ ...patterns[k % patterns.length], months: 60, noiseSd: 3, seed: 100 + k }));
  const rows = many.flatMap((values, k) => Array.from(values, (value, t) => ({ series_id: `departure-${k}`, date: new Date(Date.UTC(2019, t, 1)), value })));
  const fit = (workers: number) => new DemandForecaster({ neural: true, neuralEpochs: 2, workers, seed: 3 }).fit({ rows, frequency: 'monthly', horizon: 6 });
  const [one, two] = [await fit(1), await fit(2)];
  assert.ok(two.backtestOf('departure-0').weights.nbeats > 0, 'the network is a weighted member');
  for (let k = 0; k < 16; k++) assert.deepEqual(two.predict([{ seriesId: `departure-${k}` }])[0], one.predict([{ seriesId: `departure-${k}` }])[0]);
  // What was learned, without what differs by run (seconds taken, the layer names TensorFlow.js numbers per process).
  const learned = (m: DemandForecaster) => {
    const state = m.toArtifact().state as { combination: string; series: Array<{ weights: unknown; backtest: unknown }>; neural: { network: { weightData: string } } };
    return { combination: state.combination, series: state.series.map((s) => [s.weights, s.backtest]), network: state.neural.network.weightData };
  };
  assert.deepEqual(learned(two), learned(one));
});
