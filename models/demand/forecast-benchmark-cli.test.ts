import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const fixtures = new URL('./fixtures/', import.meta.url).pathname;

function benchmark(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'forecast-benchmark', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

test('forecast-benchmark prints one JSON line per frequency with the chosen forecaster next to seasonal naive', () => {
  const run = benchmark('--dir', fixtures, '--frequencies', 'quarterly,yearly', '--epochs', '2', '--workers', '1');
  assert.equal(run.code, 0, run.err);
  const lines = run.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.frequency, l.series, l.horizon]), [['quarterly', 3, 8], ['yearly', 3, 4]]);
  for (const l of lines) {
    for (const key of ['mase', 'smape', 'mape', 'cover80', 'cover95']) assert.ok(Number.isFinite(l.chosen[key]) && Number.isFinite(l.seasonalNaive[key]), key);
    assert.ok(l.modelSeconds.ets >= 0 && l.modelSeconds.nbeats >= 0 && l.fitSeconds > 0);
  }
});

test('bad arguments exit 2 with a message naming the flag', () => {
  const wrong = benchmark('--dir', fixtures, '--frequencies', 'hourly');
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /--frequencies: "hourly" is not one of/);
  assert.equal(benchmark('--frequencies', 'monthly').code, 2);
  assert.match(benchmark('--dir', '/nonexistent/tourism').err, /--dir \/nonexistent\/tourism does not exist/);
  const none = benchmark('--dir', fixtures, '--frequencies', 'daily');
  assert.equal(none.code, 2);
  assert.match(none.err, /holds none of daily_in.csv/);
});

test('a folder holding only daily and weekly files is benchmarked by default: ours next to seasonal naive and AICc ETS', async () => {
  const { writeDailyArrivals } = await import('../../bench/support/daily-arrivals.ts');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daily-arrivals-'));
  writeDailyArrivals(dir, { series: 4, seed: 3 });
  const run = benchmark('--dir', dir);
  assert.equal(run.code, 0, run.err);
  const lines = run.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.frequency, l.series, l.horizon, l.strategy]), [['weekly', 4, 8, 'multi_seasonal'], ['daily', 4, 56, 'multi_seasonal']]);
  for (const l of lines) {
    for (const accuracy of [l.chosen, l.seasonalNaive, l.alternatives.ets]) assert.ok(Number.isFinite(accuracy.mase) && accuracy.cover95 >= 0, JSON.stringify(l));
    assert.equal(Object.values(l.candidatesChosen as Record<string, number>).reduce((a, b) => a + b, 0), 4);
  }
});

test('--validation scores the last horizon of the training files: the figures of that split made by hand, whatever the test files hold', async () => {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const { formatCompetitionCsv, parseCompetitionCsv } = await import('./tourism-competition.ts');
  const read = (file: string) => parseCompetitionCsv(readFileSync(path.join(fixtures, file), 'utf8'), file, true);
  const [train, test] = [read('quarterly_in.csv'), read('quarterly_oos.csv')];
  const horizon = test[0].values.length;
  // The test files with other values: validation must not read them beyond the horizon's length.
  const otherTest = mkdtempSync(path.join(os.tmpdir(), 'validation-other-test-'));
  writeFileSync(path.join(otherTest, 'quarterly_in.csv'), readFileSync(path.join(fixtures, 'quarterly_in.csv')));
  writeFileSync(path.join(otherTest, 'quarterly_oos.csv'), formatCompetitionCsv(test.map((s) => ({ ...s, values: s.values.map((v) => v * 7 + 1) })), true));
  // The split by hand: the last horizon of each training series becomes the test.
  const byHand = mkdtempSync(path.join(os.tmpdir(), 'validation-by-hand-'));
  writeFileSync(path.join(byHand, 'quarterly_in.csv'), formatCompetitionCsv(train.map((s) => ({ ...s, values: s.values.slice(0, -horizon) })), true));
  writeFileSync(path.join(byHand, 'quarterly_oos.csv'), formatCompetitionCsv(train.map((s) => ({ ...s, values: s.values.slice(-horizon) })), true));

  const figures = (dir: string, ...extra: string[]) => {
    const run = benchmark('--dir', dir, '--frequencies', 'quarterly', '--epochs', '2', '--workers', '1', ...extra);
    assert.equal(run.code, 0, run.err);
    const line = JSON.parse(run.out.trim());
    return { line, scores: { chosen: line.chosen, seasonalNaive: line.seasonalNaive, alternatives: line.alternatives, combination: line.combination } };
  };
  const validated = figures(fixtures, '--validation', '1');
  assert.deepEqual([validated.line.validation, validated.line.seriesLeftOut, validated.line.series, validated.line.horizon], [1, 0, 3, horizon]);
  assert.deepEqual(figures(otherTest, '--validation', '1').scores, validated.scores);
  assert.deepEqual(figures(byHand).scores, validated.scores);
  assert.notDeepEqual(figures(fixtures).scores.chosen, validated.scores.chosen);

  // Yearly fixtures of 10, 11 and 31 years: seven 4-year horizons leave none with the 6 years a backtest needs.
  const tooFar = benchmark('--dir', fixtures, '--frequencies', 'yearly', '--validation', '7');
  assert.equal(tooFar.code, 2, tooFar.err);
  assert.match(tooFar.err, /no yearly series is long enough for validation window 7/);
});
