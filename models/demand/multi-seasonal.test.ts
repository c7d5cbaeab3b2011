import { test } from 'node:test';
import assert from 'node:assert/strict';
import { poisson, substream } from '../../platform/random.ts';
import { coverage, mase, seasonalNaiveScale } from './accuracy.ts';
import { intermittentMean, zeroShare } from './intermittent.ts';
import { forecastMultiSeasonal, multiSeasonalForecast } from './multi-seasonal.ts';
import { fitSeasonalNaive, seasonalNaiveForecast } from './seasonal-naive.ts';
import { dailySeries } from './synthetic-demand.ts';

const HORIZON = 56;
const START = '2021-01-04';

/** Held-out daily demand with weekday and yearly cycles and Semana Santa: three years of history, 8 weeks scored. */
function heldOut(count: number) {
  const days = 3 * 365 + 1;
  return Array.from({ length: count }, (_, k) => {
    const y = dailySeries({ start: START, days: days + HORIZON, level: 30 + 5 * (k % 6), trendPerDay: 0.005, weekendLift: 6 + (k % 4), yearlyAmplitude: 10, semanaSantaSpike: 15, noiseSd: 4, seed: 500 + k });
    return { history: y.subarray(0, days), future: y.subarray(days) };
  });
}

test('on held-out daily demand with weekly and yearly seasonality the multi-seasonal forecaster beats seasonal naive (7), with bounds near nominal coverage', () => {
  const set = heldOut(16);
  let ours = 0;
  let naive = 0;
  let cover80 = 0;
  let cover95 = 0;
  for (const { history, future } of set) {
    const result = forecastMultiSeasonal(history, START, { frequency: 'daily', seasonalities: [7, 365.25], horizon: HORIZON });
    const scale = seasonalNaiveScale(history, 7);
    ours += mase(future, result.forecast.mean, scale) / set.length;
    naive += mase(future, seasonalNaiveForecast(fitSeasonalNaive(history, 7), HORIZON).mean, scale) / set.length;
    const c = coverage(future, result.forecast);
    cover80 += c.cover80 / set.length;
    cover95 += c.cover95 / set.length;
  }
  assert.ok(ours < 0.8 * naive, `MASE ours ${ours.toFixed(3)} vs seasonal naive ${naive.toFixed(3)}`);
  assert.ok(cover80 > 0.7 && cover80 < 0.9, `80% bounds cover ${cover80.toFixed(3)}`);
  assert.ok(cover95 > 0.88 && cover95 <= 1, `95% bounds cover ${cover95.toFixed(3)}`);
});

test('an intermittent itinerary (few travellers, two departure weekdays) forecasts non-negative demand of the right size', () => {
  const rng = substream(7, 'intermittent');
  const days = 2 * 365;
  // Departs on Tuesdays and Saturdays (day 0 is a Monday), 0.6 travellers per departure on average.
  const y = Float64Array.from({ length: days + HORIZON }, (_, t) => (t % 7 === 1 || t % 7 === 5 ? poisson(rng, 0.6) : 0));
  const history = y.subarray(0, days);
  assert.ok(zeroShare(history) > 0.8);
  const tsb = intermittentMean(history, 7, HORIZON);
  assert.ok(tsb.every((v) => v >= 0));
  const departs = (h: number) => (days + h) % 7 === 1 || (days + h) % 7 === 5;
  for (let h = 0; h < 7; h++) {
    if (departs(h)) assert.ok(Math.abs(tsb[h] - 0.6) < 0.3, `step ${h}: ${tsb[h].toFixed(2)} per departure, truth 0.6`);
    else assert.equal(tsb[h], 0, 'no demand forecast on a weekday the tour never departs');
  }
  const { forecast } = forecastMultiSeasonal(history, START, { frequency: 'daily', seasonalities: [7, 365.25], horizon: HORIZON });
  for (const path of [forecast.mean, forecast.lo80, forecast.lo95, forecast.hi80, forecast.hi95]) assert.ok(path.every((v) => v >= 0 && Number.isFinite(v)));
  const meanPerWeek = (forecast.mean.reduce((a, b) => a + b, 0) / HORIZON) * 7;
  assert.ok(meanPerWeek > 0.6 && meanPerWeek < 2, `forecast ${meanPerWeek.toFixed(2)} travellers a week, truth 1.2`);
});

test('short, flat and never-sold histories give finite, non-negative forecasts; flat ones stay flat', () => {
  for (const values of [[1, 2, 3, 4], new Array(10).fill(0), new Array(400).fill(5)]) {
    for (const frequency of ['daily', 'weekly'] as const) {
      const { forecast } = forecastMultiSeasonal(Float64Array.from(values), START, { frequency, seasonalities: frequency === 'daily' ? [7, 365.25] : [365.25 / 7], horizon: 8 });
      for (const path of [forecast.mean, forecast.lo95, forecast.hi95]) assert.ok(path.every((v) => Number.isFinite(v) && v >= 0), `${frequency} ${values.length}`);
      if (values.length > 4) assert.ok(forecast.mean.every((v) => Math.abs(v - values[0]) < 1e-6), `${frequency} ${values.length}: ${Array.from(forecast.mean)}`);
    }
  }
});

test('the ranges hold the forecast even when the validation errors were all on one side', () => {
  // A rising weekly cycle: seasonal naive, a week behind, always falls short, so its errors are all positive.
  const days = 120;
  const values = Float64Array.from({ length: days }, (_, t) => 200 + 3 * t + 20 * Math.sin((2 * Math.PI * t) / 7));
  const options = { frequency: 'daily' as const, seasonalities: [7], horizon: 14 };
  const oneSided = { lo95: 15, lo80: 18, hi80: 30, hi95: 35 };
  const f = multiSeasonalForecast(values, '2026-01-01', options, 'seasonal_naive', oneSided, 14);
  for (let h = 0; h < 14; h++) {
    assert.ok(f.lo95[h] <= f.lo80[h] && f.lo80[h] <= f.mean[h] && f.mean[h] <= f.hi80[h] && f.hi80[h] <= f.hi95[h], `step ${h}: ${f.lo95[h]} ${f.lo80[h]} ${f.mean[h]} ${f.hi80[h]} ${f.hi95[h]}`);
    assert.equal(f.hi80[h] - f.mean[h], 30, 'the side the errors were on keeps its width');
  }
});
