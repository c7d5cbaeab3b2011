import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mulberry32 } from '../../platform/random.ts';
import { backtestCutoffs } from './backtest.ts';
import { chooseTheta, THETA_CANDIDATES } from './theta-choice.ts';
import { fitTheta, thetaForecast, withTheta } from './theta.ts';

/** Yearly-like series: a level, a trend of `slope` per step, and noise. */
function series(count: number, slope: number, seed: number): Float64Array[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => Float64Array.from({ length: 24 }, (_, t) => 100 + i + slope * t + 6 * (rng() - 0.5)));
}

test('Theta with another coefficient: the same smoothing, (1 − 1/θ) of the slope as drift', () => {
  const y = Float64Array.from({ length: 20 }, (_, t) => 50 + 2 * t);
  const classic = fitTheta(y, 1);
  const refitted = fitTheta(y, 1, 6);
  const derived = withTheta(classic, 2, 6);
  assert.ok(Math.abs(derived.drift - refitted.drift) < 1e-9 && derived.alpha === refitted.alpha && derived.level === refitted.level);
  assert.ok(Math.abs(refitted.drift - 2 * (5 / 6)) < 1e-9, `drift ${refitted.drift}`);
  assert.ok(thetaForecast(refitted, 4).mean[3] > thetaForecast(classic, 4).mean[3], 'a larger θ follows the trend further');
});

test('the coefficient is the one with the lowest mean backtest MASE: a larger θ on trending series, the classic one on level ones', () => {
  const horizon = 4;
  const cutoffsOf = (all: Float64Array[]) => all.map((y) => backtestCutoffs(y.length, horizon, 3, 2, 6));
  const trending = series(30, 3, 1);
  const choice = chooseTheta(trending, cutoffsOf(trending), 1, horizon);
  assert.deepEqual(Object.keys(choice.backtestMase), THETA_CANDIDATES.map(String));
  const best = Math.min(...Object.values(choice.backtestMase));
  assert.equal(choice.backtestMase[String(choice.theta)], best);
  assert.ok(choice.theta > 2 && choice.backtestMase[String(choice.theta)] < choice.backtestMase['2'], JSON.stringify(choice));
  // A level with a step down late in the history: following the old trend is wrong, the classic θ errs least.
  const level = series(30, 0, 2).map((y) => y.map((v, t) => (t < 16 ? v + 2 * t : v + 32 - 6 * (t - 16))));
  const levelChoice = chooseTheta(level, cutoffsOf(level), 1, horizon);
  assert.equal(levelChoice.theta, 2, JSON.stringify(levelChoice));
  // Series with no cut-off are left out; with none at all, nothing is scored and the classic θ stays.
  const none = chooseTheta(trending, trending.map(() => []), 1, horizon);
  assert.equal(none.theta, 2);
  assert.ok(Object.values(none.backtestMase).every(Number.isNaN));
});
