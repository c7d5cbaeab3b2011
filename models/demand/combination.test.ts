import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCompetitionBenchmark } from './competition-benchmark.ts';
import { chooseCombination, combinationCandidates, combineModels, isCombination } from './ensemble.ts';
import { medianForecast, normalForecast } from './forecast.ts';
import { validateCombinations } from './series-fit.ts';
import { formatCompetitionCsv, parseCompetitionCsv } from './tourism-competition.ts';

const fixtures = new URL('./fixtures/', import.meta.url).pathname;
const flat = (level: number, h = 3) => normalForecast(new Array(h).fill(level), new Array(h).fill(1));
const score = (mase: number) => ({ mase, smape: 0, cover80: 0, cover95: 0, perStep: { mase: [], cover80: [], cover95: [] } });

test('combinations: weighted by backtest MASE, equal mean, step-by-step median that ignores one wild member', () => {
  const forecasts = { ets: flat(10), theta: flat(12), nbeats: flat(100) };
  const scores = { ets: score(1), theta: score(2), nbeats: score(4) };
  assert.equal(combineModels('median', forecasts, scores)!.mean[0], 12);
  assert.ok(Math.abs(combineModels('mean', forecasts, scores)!.mean[0] - 122 / 3) < 1e-9);
  // 1/1², 1/2², 1/4² → weights 16/21, 4/21, 1/21.
  assert.ok(Math.abs(combineModels('weighted:2', forecasts, scores)!.mean[0] - (16 * 10 + 4 * 12 + 100) / 21) < 1e-9);
  const median = medianForecast([flat(1), flat(3)]);
  assert.equal(median.mean[0], 2);
  assert.ok(median.lo80[0] < median.mean[0] && median.mean[0] < median.hi95[0]);
  assert.deepEqual(combinationCandidates(2), ['weighted:2', 'weighted:1', 'weighted:4', 'mean', 'median']);
});

test('a combination may leave one member out, for every series alike; two members stay at least', () => {
  const forecasts = { ets: flat(10), theta: flat(12), nbeats: flat(100) };
  const scores = { ets: score(1), theta: score(2), nbeats: score(4) };
  assert.equal(combineModels('mean without nbeats', forecasts, scores)!.mean[0], 11);
  assert.equal(combineModels('median without ets', forecasts, scores)!.mean[0], 56);
  // 1/2², 1/4² → weights 4/5, 1/5.
  assert.ok(Math.abs(combineModels('weighted:2 without ets', forecasts, scores)!.mean[0] - (4 * 12 + 100) / 5) < 1e-9);
  assert.equal(combineModels('mean without arima', forecasts, scores)!.mean[0], 122 / 3, 'a member that is not there leaves the others as they are');
  const candidates = combinationCandidates(2, ['ets', 'theta', 'nbeats']);
  assert.equal(candidates.length, 5 * 4);
  assert.ok(candidates.includes('weighted:4 without theta') && candidates.includes('median without nbeats'));
  assert.deepEqual(combinationCandidates(2, ['ets', 'theta']), combinationCandidates(2));
  assert.ok(isCombination('weighted:2 without seasonal_naive') && isCombination('mean'));
  assert.ok(!isCombination('mean without') && !isCombination('mean without ets; drop'));
});

test('the combination with the lowest mean validation MASE wins; series without a score are left out; ties keep the first', () => {
  const candidates = combinationCandidates(2);
  const chosen = chooseCombination([{ 'weighted:2': 1.2, mean: 1.0, median: 1.4 }, { 'weighted:2': 1.0, mean: 1.1, median: NaN }, {}], candidates);
  assert.equal(chosen.combination, 'mean');
  assert.equal(chosen.mase.median, 1.4);
  assert.ok(Number.isNaN(chosen.mase['weighted:1']));
  assert.equal(chooseCombination([{ 'weighted:2': 1, mean: 1 }], candidates).combination, 'weighted:2');
  assert.equal(chooseCombination([], candidates).combination, 'weighted:2');
});

test('validation scores the latest cut-off with weights from the earlier ones and never looks past the latest horizon', () => {
  const y = Float64Array.from({ length: 40 }, (_, t) => 10 + (t % 4));
  const cutoffs = [30, 34];
  const plan = { horizon: 4, origins: 2, step: 4, weightPower: 2, combinations: combinationCandidates(2) };
  const good = cutoffs.map((cut) => normalForecast(y.slice(cut, cut + 4), [1, 1, 1, 1]));
  const bad = cutoffs.map(() => flat(30, 4));
  const scores = validateCombinations(y, cutoffs, plan, 4, { good, bad })!;
  assert.ok(scores['weighted:4'] < scores['weighted:1'] && scores['weighted:1'] < scores.mean, JSON.stringify(scores));
  const longer = Float64Array.from([...y, 999, 999, 999]);
  assert.deepEqual(validateCombinations(longer, cutoffs, plan, 4, { good, bad }), scores);
  assert.equal(validateCombinations(y, [34], plan, 4, { good: good.slice(1), bad: bad.slice(1) }), undefined);
});

/** A copy of the fixtures with every value of one part of each series transformed. */
function alteredCopy(part: 'in' | 'oos', frequency: string, change: (values: Float64Array) => Float64Array): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tourism-split-'));
  for (const p of ['in', 'oos']) copyFileSync(path.join(fixtures, `${frequency}_${p}.csv`), path.join(dir, `${frequency}_${p}.csv`));
  const file = path.join(dir, `${frequency}_${part}.csv`);
  const series = parseCompetitionCsv(readFileSync(file, 'utf8'), file, frequency !== 'yearly');
  writeFileSync(file, formatCompetitionCsv(series.map((s) => ({ ...s, values: change(s.values) })), frequency !== 'yearly'));
  return dir;
}

test('tuning never reads the test split: other *_oos values change the scores only, other *_in tails change the choice data', async () => {
  for (const frequency of ['quarterly', 'yearly'] as const) {
    const params = { neural: true, neuralEpochs: 2, workers: 1, seed: 4 };
    const original = (await runCompetitionBenchmark(alteredCopy('oos', frequency, (v) => v), frequency, params))!;
    const otherTest = (await runCompetitionBenchmark(alteredCopy('oos', frequency, (v) => v.map((x, i) => x * (i % 2 ? 5 : 0.2))), frequency, params))!;
    assert.deepEqual(otherTest.combination, original.combination, frequency);
    assert.deepEqual(otherTest.theta, original.theta, `${frequency}: Theta's coefficient is chosen on the training part`);
    assert.notEqual(otherTest.chosen.mase, original.chosen.mase, `${frequency}: the test split is read for scoring`);
    const otherTail = (await runCompetitionBenchmark(alteredCopy('in', frequency, (v) => v.map((x, i) => (i >= v.length - 2 ? x * 3 : x))), frequency, params))!;
    assert.notDeepEqual(otherTail.combination!.validationMase, original.combination!.validationMase, `${frequency}: validation comes from the end of the training part`);
    assert.notDeepEqual(otherTail.theta!.backtestMase, original.theta!.backtestMase, `${frequency}: so do Theta's backtests`);
  }
});
