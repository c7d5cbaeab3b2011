import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32, normal } from '../../platform/random.ts';
import { autoEts, fitEts } from './ets-fit.ts';
import { etsFilter, etsForecast, etsPointForecast, linearEtsSd } from './ets.ts';
import { nelderMead } from './nelder-mead.ts';
import { monthlySeries, monthlyTruth } from './synthetic-demand.ts';

test('Nelder–Mead finds the minimum of the Rosenbrock valley', () => {
  const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], { maxEvaluations: 4000, tolerance: 1e-14 });
  assert.ok(Math.abs(r.x[0] - 1) < 1e-3 && Math.abs(r.x[1] - 1) < 1e-3, `got ${Array.from(r.x)}`);
});

test('AICc picks a seasonal trended ETS on trended seasonal demand and forecasts it within 5% of the truth', () => {
  const pattern = { level: 1000, trendPerMonth: 5, seasonAmplitude: 0.3 };
  const y = monthlySeries({ ...pattern, months: 96, noiseSd: 15, seed: 3 });
  const fit = autoEts(y, 12);
  assert.notEqual(fit.spec.season, 'N');
  assert.notEqual(fit.spec.trend, 'N');
  const f = etsPointForecast(fit.spec, fit.params, fit.state, fit.n, 12);
  for (let h = 0; h < 12; h++) {
    const truth = monthlyTruth(pattern, 96 + h);
    assert.ok(Math.abs(f[h] - truth) / truth < 0.05, `step ${h + 1}: ${f[h].toFixed(1)} vs ${truth.toFixed(1)} (${fit.spec.error},${fit.spec.trend},${fit.spec.season})`);
  }
});

test('AICc keeps a flat model on white noise', () => {
  const rng = mulberry32(5);
  const y = Float64Array.from({ length: 120 }, () => normal(rng, 50, 4));
  const fit = autoEts(y, 12);
  assert.equal(fit.spec.trend, 'N');
  assert.equal(fit.spec.season, 'N');
});

test('ETS(A,N,N) variance grows as σ²(1 + (h−1)α²)', () => {
  const sd = linearEtsSd({ error: 'A', trend: 'N', season: 'N', period: 1 }, { alpha: 0.5, beta: 0, gamma: 0, phi: 1 }, 4, 3);
  assert.deepEqual(Array.from(sd, (v) => Number(v.toFixed(10))), [2, Math.sqrt(4 * 1.25), Math.sqrt(4 * 1.5)].map((v) => Number(v.toFixed(10))));
});

test('80% and 95% intervals cover about their share of future values on generated series', () => {
  let in80 = 0;
  let in95 = 0;
  let total = 0;
  for (let s = 0; s < 40; s++) {
    const rng = mulberry32(100 + s);
    // A local level model: the random walk plus noise that ETS(A,N,N) describes exactly.
    let level = 200;
    const y = new Float64Array(72);
    for (let t = 0; t < 72; t++) {
      level += normal(rng, 0, 3);
      y[t] = level + normal(rng, 0, 6);
    }
    const fit = fitEts(y.subarray(0, 60), { error: 'A', trend: 'N', season: 'N', period: 1 });
    const f = etsForecast(fit.spec, fit.params, fit.state, fit.n, fit.sigma2, 12, rng);
    for (let h = 0; h < 12; h++) {
      const a = y[60 + h];
      if (a >= f.lo80[h] && a <= f.hi80[h]) in80++;
      if (a >= f.lo95[h] && a <= f.hi95[h]) in95++;
      total++;
    }
  }
  assert.ok(in80 / total > 0.72 && in80 / total < 0.9, `80% interval held ${in80 / total}`);
  assert.ok(in95 / total > 0.89 && in95 / total < 0.99, `95% interval held ${in95 / total}`);
});

test('simulated intervals of a multiplicative model are ordered and contain the mean', () => {
  const y = monthlySeries({ level: 500, trendPerMonth: 2, seasonAmplitude: 0.4, months: 72, noiseSd: 10, seed: 8 });
  const fit = fitEts(y, { error: 'M', trend: 'A', season: 'M', period: 12 });
  const f = etsForecast(fit.spec, fit.params, fit.state, fit.n, fit.sigma2, 24, mulberry32(1));
  for (let h = 0; h < 24; h++) assert.ok(f.lo95[h] <= f.lo80[h] && f.lo80[h] <= f.mean[h] && f.mean[h] <= f.hi80[h] && f.hi80[h] <= f.hi95[h]);
  const again = etsForecast(fit.spec, fit.params, fit.state, fit.n, fit.sigma2, 24, mulberry32(1));
  assert.deepEqual(again, f);
});

test('the multiplicative-error likelihood sums log ŷ exactly enough at any scale, without overflow', () => {
  const spec = { error: 'M', trend: 'N', season: 'N', period: 1 } as const;
  const params = { alpha: 0.3, beta: 0, gamma: 0, phi: 1 };
  // The last one jumps from 1e60 to 1e150 after 202 steps, so a running product of a few earlier steps meets a huge ŷ.
  for (const scale of [1e-120, 1e-3, 1, 1e6, 1e120, 1e250, 1e60]) {
    const rng = mulberry32(7);
    const y = Float64Array.from({ length: 400 }, (_, t) => (scale === 1e60 && t >= 202 ? 1e150 : scale) * normal(rng, 100, 5));
    const initial = { level: scale * 100, slope: 0, seasonal: new Float64Array(1).fill(1) };
    const { lik, sse } = etsFilter(y, spec, params, initial);
    // The same likelihood, one logarithm per step.
    let level = initial.level;
    let logSum = 0;
    for (const v of y) {
      logSum += Math.log(level);
      level += params.alpha * (v - level);
    }
    const expected = y.length * Math.log(sse) + 2 * logSum;
    assert.ok(Number.isFinite(lik), `scale ${scale}: likelihood ${lik}`);
    assert.ok(Math.abs(lik - expected) <= 1e-9 * Math.abs(expected), `scale ${scale}: ${lik} against ${expected}`);
  }
});

test('the likelihood filter and the point forecasts agree: observing the forecasts themselves moves no state away from them', () => {
  const y = monthlySeries({ level: 500, trendPerMonth: 2, seasonAmplitude: 0.25, months: 40, noiseSd: 8, seed: 11 });
  const params = { alpha: 0.3, beta: 0.05, gamma: 0.1, phi: 0.9 };
  for (const error of ['A', 'M'] as const) {
    for (const trend of ['N', 'A', 'Ad'] as const) {
      for (const season of ['N', 'A', 'M'] as const) {
        const spec = { error, trend, season, period: season === 'N' ? 1 : 12 };
        const initial = { level: 500, slope: 2, seasonal: Float64Array.from({ length: spec.period }, (_, i) => (season === 'M' ? 1 + 0.2 * Math.sin(i) : season === 'A' ? 100 * Math.sin(i) : 0)) };
        const after = etsFilter(y, spec, params, initial).state;
        const ahead = etsPointForecast(spec, params, after, y.length, 24);
        // Feeding the first 7 forecasts back as observations (no error), then forecasting the rest from there.
        const extended = Float64Array.from([...y, ...ahead.subarray(0, 7)]);
        const later = etsPointForecast(spec, params, etsFilter(extended, spec, params, initial).state, extended.length, 17);
        for (let h = 0; h < 17; h++) assert.ok(Math.abs(later[h] - ahead[7 + h]) <= 1e-9 * Math.abs(ahead[7 + h]), `${error},${trend},${season} step ${h + 8}: ${later[h]} vs ${ahead[7 + h]}`);
      }
    }
  }
});
