import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { competitionStart, readCompetition } from './competition-benchmark.ts';
import { formatCompetitionCsv, parseCompetitionCsv } from './tourism-competition.ts';

// Two ragged columns: D1 has 5 observations, D2 has 3 (empty cells below it); row 3 start year, row 4 day of year.
const DAILY_IN = ['D1,D2', '5,3', '2023,2024', '32,60', '10,0', '12,1', '0,0', '14,', '15,'].join('\n');
const DAILY_OOS = ['D1,D2', '2,2', '2023,2024', '37,63', '16,2', '11,0'].join('\n');

test('daily layout: row 3 start year and row 4 day of the year give the first date; ragged columns keep their lengths', () => {
  const series = parseCompetitionCsv(DAILY_IN, 'daily_in.csv', true);
  assert.deepEqual(series.map((s) => [s.name, s.startYear, s.startPeriod, Array.from(s.values)]), [
    ['D1', 2023, 32, [10, 12, 0, 14, 15]],
    ['D2', 2024, 60, [0, 1, 0]],
  ]);
  assert.equal(competitionStart(series[0], 'daily'), '2023-02-01');
  assert.equal(competitionStart(series[1], 'daily'), '2024-02-29', 'day 60 of a leap year');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'daily-layout-'));
  writeFileSync(path.join(dir, 'daily_in.csv'), DAILY_IN);
  writeFileSync(path.join(dir, 'daily_oos.csv'), DAILY_OOS);
  const data = readCompetition(dir, 'daily')!;
  assert.deepEqual(data.train.map((s) => [s.id, s.start, s.values.length]), [['D1', '2023-02-01', 5], ['D2', '2024-02-29', 3]]);
  assert.deepEqual(data.actual.map((a) => Array.from(a)), [[16, 11], [2, 0]]);
});

test('weekly layout: row 4 is the week of the year; a series announcing more values than it holds is refused', () => {
  const weekly = ['W1,W2', '3,2', '2024,2019', '3,52', '100,7', '90,8', '95,'].join('\n');
  const series = parseCompetitionCsv(weekly, 'weekly_in.csv', true);
  assert.deepEqual(series.map((s) => [s.name, s.values.length]), [['W1', 3], ['W2', 2]]);
  assert.equal(competitionStart(series[0], 'weekly'), '2024-01-15');
  assert.equal(competitionStart(series[1], 'weekly'), '2019-12-24');
  assert.throws(() => parseCompetitionCsv(['W1', '4', '2024', '3', '1', '2', '3'].join('\n'), 'weekly_in.csv', true), /W1 announces 4 observations but value 4/);
});

test('the writer produces the layout the reader reads back', () => {
  const series = [
    { name: 'cusco-us-0', startYear: 2023, startPeriod: 1, values: Float64Array.from([3, 0, 5, 7]) },
    { name: 'colca-de-1', startYear: 2023, startPeriod: 200, values: Float64Array.from([0, 1]) },
  ];
  const text = formatCompetitionCsv(series, true);
  assert.equal(text.split('\n')[4], '3,0');
  assert.equal(text.split('\n')[6], '5,');
  assert.deepEqual(parseCompetitionCsv(text, 'daily_in.csv', true), series);
});
