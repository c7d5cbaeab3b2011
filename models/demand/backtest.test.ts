import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backtestCutoffs, rollingOriginBacktest } from './backtest.ts';
import { normalForecast } from './forecast.ts';
import { fitSeries } from './series-fit.ts';
import { fitModel, forecastModel, modelsFor } from './statistical-models.ts';
import { mulberry32 } from '../../platform/random.ts';
import { monthlySeries } from './synthetic-demand.ts';

test('cut-offs step back from the end and keep enough history', () => {
  assert.deepEqual(backtestCutoffs(40, 6, 3, 3, 24), [28, 31, 34]);
  assert.deepEqual(backtestCutoffs(30, 6, 3, 3, 24), [24]);
  assert.deepEqual(backtestCutoffs(20, 6, 3, 3, 24), []);
});

test('a backtest forecaster only receives the values before its cut-off', () => {
  const y = Float64Array.from({ length: 50 }, (_, t) => t);
  const seen: Array<{ cut: number; length: number; max: number }> = [];
  rollingOriginBacktest(y, [30, 36, 42], 8, 1, {
    spy: (history, cut) => {
      seen.push({ cut, length: history.length, max: Math.max(...history) });
      history[0] = -1; // writing to the copy must not touch the series
      return normalForecast(new Array(8).fill(history[history.length - 1]), new Array(8).fill(1));
    },
  });
  assert.deepEqual(seen, [
    { cut: 30, length: 30, max: 29 },
    { cut: 36, length: 36, max: 35 },
    { cut: 42, length: 42, max: 41 },
  ]);
  assert.equal(y[0], 0);
});

test('a forecast from a cut-off is the same whatever happens after it', () => {
  const y = monthlySeries({ level: 300, trendPerMonth: 1, seasonAmplitude: 0.3, months: 84, noiseSd: 10, seed: 2 });
  const altered = Float64Array.from(y, (v, t) => (t >= 60 ? v * 3 + 1000 : v));
  const context = { frequency: 'monthly' as const, start: '2015-01-01', seasonalities: [12], period: 12 };
  const forecastsAt60 = (series: Float64Array) => {
    const out: Record<string, number[]> = {};
    for (const model of modelsFor(context)) {
      rollingOriginBacktest(series, [60], 12, 12, {
        [model]: (history) => {
          const f = forecastModel(fitModel(model, history, context), 12, mulberry32(1));
          out[model] = Array.from(f.mean);
          return f;
        },
      });
    }
    return out;
  };
  assert.deepEqual(forecastsAt60(altered), forecastsAt60(y));
  const plan = { horizon: 12, origins: 3, step: 6, weightPower: 2, combinations: ['weighted:2' as const] };
  const scored = fitSeries({ id: 'cusco', start: context.start, values: y }, context, plan, 1);
  assert.deepEqual(Object.keys(scored.backtest).sort(), modelsFor(context).sort());
});
