import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mulberry32, normal } from '../../platform/random.ts';
import { mase, seasonalNaiveScale } from './accuracy.ts';
import { arimaForecast, differencingOrders, fitArima, kpssStatistic, partialToCoefficients } from './arima.ts';
import { fitSeasonalNaive, seasonalNaiveForecast } from './seasonal-naive.ts';
import { parseCompetitionCsv } from './tourism-competition.ts';

function simulate(n: number, seed: number, step: (y: number[], e: number[], t: number) => number): Float64Array {
  const rng = mulberry32(seed);
  const y: number[] = [];
  const e: number[] = [];
  for (let t = 0; t < n; t++) {
    e.push(normal(rng));
    y.push(step(y, e, t));
  }
  return Float64Array.from(y);
}

test('partial autocorrelations map to a stationary AR polynomial (Durbin–Levinson)', () => {
  const [phi1, phi2] = partialToCoefficients([0.5, -0.4]);
  assert.ok(Math.abs(phi2 + 0.4) < 1e-12 && Math.abs(phi1 - 0.5 * 1.4) < 1e-12, `${phi1}, ${phi2}`);
  // Near-unit partials still give a stationary AR(2): |φ2| < 1 and φ2 ± φ1 < 1.
  const [a, b] = partialToCoefficients([0.999, 0.999]);
  assert.ok(Math.abs(b) < 1 && b + a < 1 && b - a < 1, `${a}, ${b}`);
});

test('KPSS tells stationary series from random walks at its 5% level; the orders follow', () => {
  const trials = 200;
  let noiseRejected = 0;
  let walkRejected = 0;
  let walkDifferenced = 0;
  for (let s = 0; s < trials; s++) {
    noiseRejected += Number(kpssStatistic(simulate(300, 1000 + s, (_y, e, t) => e[t])) > 0.463);
    const walk = simulate(300, 2000 + s, (y, e, t) => (y[t - 1] ?? 0) + e[t]);
    walkRejected += Number(kpssStatistic(walk) > 0.463);
    walkDifferenced += Number(differencingOrders(walk, 1).d >= 1);
  }
  assert.ok(noiseRejected / trials < 0.09, `white noise rejected ${noiseRejected / trials}`);
  assert.ok(walkRejected / trials > 0.9 && walkDifferenced === walkRejected, `random walks rejected ${walkRejected / trials}, differenced ${walkDifferenced}`);
  const seasonalWalk = simulate(240, 3, (y, e, t) => (t < 12 ? 100 + 20 * Math.sin((2 * Math.PI * t) / 12) : y[t - 12] + e[t]));
  assert.deepEqual(differencingOrders(seasonalWalk, 12), { d: 0, D: 1 });
});

test('an AR(1) forecast as the AR(1) itself would, decaying to the mean', () => {
  const y = simulate(500, 4, (y, e, t) => 10 + 0.7 * ((y[t - 1] ?? 10) - 10) + e[t]);
  const state = fitArima(y, 1);
  assert.equal(state.order.d, 0);
  // Whatever orders the search settles on (an ARMA can mimic an AR(1)), the forecast must be the AR(1)'s.
  const truth = (h: number) => 10 + 0.7 ** h * (y[y.length - 1] - 10);
  const f = arimaForecast(state, 40);
  for (const h of [1, 2, 5]) assert.ok(Math.abs(f.mean[h - 1] - truth(h)) < 0.25, `step ${h}: ${f.mean[h - 1]} against ${truth(h)} (${JSON.stringify(state.order)})`);
  assert.ok(Math.abs(f.mean[39] - 10) < 0.5, `long-run forecast ${f.mean[39]}`);
  assert.ok(f.hi95[0] - f.lo95[0] < f.hi95[39] - f.lo95[39], 'intervals widen with the horizon');
});

test('80% and 95% intervals cover about that share of one-step outcomes on data the model describes', () => {
  let inside80 = 0;
  let inside95 = 0;
  const trials = 200;
  for (let s = 0; s < trials; s++) {
    const y = simulate(151, 100 + s, (y, e, t) => (y[t - 1] ?? 0) + 0.5 + e[t] + 0.4 * (e[t - 1] ?? 0));
    const f = arimaForecast(fitArima(y.subarray(0, 150), 1), 1);
    inside80 += Number(y[150] >= f.lo80[0] && y[150] <= f.hi80[0]);
    inside95 += Number(y[150] >= f.lo95[0] && y[150] <= f.hi95[0]);
  }
  assert.ok(Math.abs(inside80 / trials - 0.8) < 0.08, `80% interval covered ${inside80 / trials}`);
  assert.ok(Math.abs(inside95 / trials - 0.95) < 0.05, `95% interval covered ${inside95 / trials}`);
});

test('on held-out competition series (fixtures), ARIMA forecasts better than seasonal naive', () => {
  const dir = new URL('./fixtures/', import.meta.url).pathname;
  for (const [frequency, period, horizon] of [['monthly', 12, 24], ['quarterly', 4, 8]] as const) {
    const train = parseCompetitionCsv(readFileSync(`${dir}${frequency}_in.csv`, 'utf8'), 'in', true);
    const test = parseCompetitionCsv(readFileSync(`${dir}${frequency}_oos.csv`, 'utf8'), 'oos', true);
    let ours = 0;
    let naive = 0;
    for (const series of train) {
      const actual = test.find((s) => s.name === series.name)!.values.subarray(0, horizon);
      const scale = seasonalNaiveScale(series.values, period);
      ours += mase(actual, arimaForecast(fitArima(series.values, period), horizon).mean, scale) / train.length;
      naive += mase(actual, seasonalNaiveForecast(fitSeasonalNaive(series.values, period), horizon).mean, scale) / train.length;
    }
    assert.ok(ours < naive, `${frequency}: ARIMA MASE ${ours.toFixed(3)}, seasonal naive ${naive.toFixed(3)}`);
  }
});

test('the whole model, replayed on the series, gives back its residuals, also where short and seasonal lags meet (period 2)', () => {
  const y = simulate(400, 7, (y, e, t) => 50 + 0.5 * ((y[t - 1] ?? 50) - 50) + 0.4 * ((y[t - 2] ?? 50) - 50) + (t % 2 ? 3 : -3) + e[t] + 0.4 * (e[t - 1] ?? 0));
  const state = fitArima(y, 2);
  const { ar, ma, intercept } = state;
  const e = new Float64Array(y.length);
  let sum = 0;
  let count = 0;
  for (let t = ar.length; t < y.length; t++) {
    let value = y[t] - intercept;
    for (let i = 0; i < ar.length; i++) value -= ar[i] * y[t - 1 - i];
    for (let j = 0; j < ma.length; j++) value -= ma[j] * e[t - 1 - j];
    e[t] = value;
    if (t >= 100) {
      sum += value * value;
      count++;
    }
  }
  assert.ok(Math.abs(sum / count / state.sigma2 - 1) < 0.2, `replayed variance ${sum / count}, fitted ${state.sigma2} (${JSON.stringify(state.order)})`);
});
