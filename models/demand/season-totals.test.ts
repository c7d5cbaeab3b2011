import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalForecast } from './forecast.ts';
import { fitSeasonTotals, forecastSeasonTotals, MIN_SEASONS, reconcileWithTotals, seasonTotals } from './season-totals.ts';
import { fitModel, forecastModel, type SeriesContext } from './statistical-models.ts';
import { fitSeries, forecastSeries, type BacktestPlan } from './series-fit.ts';
import { mulberry32 } from '../../platform/random.ts';

test('season totals are the whole seasons that end at the last observation', () => {
  const y = Float64Array.from({ length: 10 }, (_, t) => t + 1); // 1..10, period 4: 1 and 2 left out
  assert.deepEqual(Array.from(seasonTotals(y, 4)), [3 + 4 + 5 + 6, 7 + 8 + 9 + 10]);
  assert.equal(fitSeasonTotals(y, 4), undefined, `fewer than ${MIN_SEASONS} seasons`);
  assert.equal(fitSeasonTotals(Float64Array.from({ length: 40 }, () => 5), 1), undefined, 'no season');
});

test('reconciliation is the least-squares point of the hierarchy: bounds move with the mean, a partial season stays', () => {
  const period = 4;
  const mean = [10, 20, 30, 40, 12, 22, 32, 42, 7, 7];
  const forecast = normalForecast(mean, mean.map(() => 3));
  const totals = [130, 90];
  const out = reconcileWithTotals(forecast, totals, period);
  for (let s = 0; s < 2; s++) {
    const steps = [0, 1, 2, 3].map((j) => s * period + j);
    const sum = steps.reduce((a, h) => a + out.mean[h], 0);
    // The gradient of Σ(x − b)² + (Σx − A)² vanishes at every step of the season.
    for (const h of steps) assert.ok(Math.abs(out.mean[h] - mean[h] + (sum - totals[s])) < 1e-9, `season ${s}, step ${h}`);
    for (const h of steps) assert.ok(Math.abs(out.hi95[h] - out.lo95[h] - (forecast.hi95[h] - forecast.lo95[h])) < 1e-9);
  }
  assert.deepEqual(Array.from(out.mean.subarray(8)), [7, 7]);
  assert.deepEqual(Array.from(forecast.mean), mean, 'the input is left as it was');
});

test('a fitted monthly series reconciles its ETS member with the forecast totals; daily data do not', () => {
  const rng = mulberry32(7);
  const period = 12;
  // Six years of a monthly season on a level that grows by a fifth a year.
  const values = Float64Array.from({ length: 72 }, (_, t) => 100 * 1.2 ** (t / 12) * (1 + 0.4 * Math.sin((2 * Math.PI * t) / 12)) * (1 + 0.05 * (rng() - 0.5)));
  const context: SeriesContext = { frequency: 'monthly', start: '2020-01-01', seasonalities: [12], period };
  const plan: BacktestPlan = { horizon: 12, origins: 2, step: 12, weightPower: 2, combinations: ['weighted:2'] };
  const fit = fitSeries({ id: 's', start: context.start, values }, context, plan, 1);
  assert.ok(fit.seasonTotals, 'monthly data get season totals');
  const horizon = 18; // a whole season and half of the next: members forecast both, the first 18 steps are kept
  const reconciled = forecastSeries(fit, horizon, 'ets', 1);
  const raw = forecastModel(fitModel('ets', values, context), 24, mulberry32(1));
  const total = forecastSeasonTotals(fit.seasonTotals, 1)[0];
  const rawSum = raw.mean.subarray(0, 12).reduce((a, b) => a + b, 0);
  const sum = reconciled.mean.subarray(0, 12).reduce((a, b) => a + b, 0);
  assert.equal(reconciled.mean.length, horizon);
  assert.ok(Math.abs(sum - (rawSum + (period / (period + 1)) * (total - rawSum))) < 1e-6 * total, `first year ${sum}, ETS ${rawSum}, totals ${total}`);
  // Seasonal naive is not reconciled.
  const naive = forecastSeries(fit, 12, 'seasonal_naive', 1);
  assert.deepEqual(Array.from(naive.mean), Array.from(values.subarray(60)));

  const daily: SeriesContext = { frequency: 'daily', start: '2020-01-01', seasonalities: [7, 365.25], period: 7 };
  const dailyValues = Float64Array.from({ length: 120 }, (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 7) + 5 * rng());
  const dailyFit = fitSeries({ id: 'd', start: daily.start, values: dailyValues }, daily, { ...plan, horizon: 14 }, 1);
  assert.equal(dailyFit.seasonTotals, undefined, 'daily data keep their members as they are');
});
