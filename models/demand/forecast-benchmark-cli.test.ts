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
