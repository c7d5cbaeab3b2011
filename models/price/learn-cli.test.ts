import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { friedman1 } from '../../test/worlds/friedman.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'spirit-learn-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, rows: number, seed: number, header = 'a,b,c,d,e,y'): string {
  const { x, y } = friedman1(rows, 5, seed);
  const lines = [header];
  for (let r = 0; r < rows; r++) lines.push([...x.values.subarray(r * 5, r * 5 + 5), y[r]].join(','));
  const file = path.join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function learn(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'learn', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const train = writeCsv('train.csv', 600, 1);
const test_ = writeCsv('test.csv', 200, 2);

test('learn trains each learner and prints its scores as JSON', () => {
  for (const learner of ['forest', 'boosting']) {
    const r = learn('--train', train, '--test', test_, '--target', 'y', '--learner', learner, '--trees', '30', '--max-depth', '6', '--seed', '3');
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    assert.equal(result.learner, learner);
    assert.deepEqual(result.features, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(result.rows, { train: 600, test: 200 });
    assert.ok(result.rmse > 0 && result.rmse < 3.5 && result.mae > 0 && result.mape > 0);
    assert.ok(result.trainSeconds >= 0 && result.predictSeconds >= 0);
  }
});

test('a missing target column exits 2 naming it', () => {
  const r = learn('--train', train, '--test', test_, '--target', 'price');
  assert.equal(r.code, 2);
  assert.match(r.err, /no column "price"/);
});

test('a non-numeric cell exits 2 with its line and column', () => {
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, 'a,b,y\n1,2,3\n4,n/a,6\n');
  const r = learn('--train', bad, '--test', test_, '--target', 'y');
  assert.equal(r.code, 2);
  assert.match(r.err, /line 3, column 2 \("b"\): "n\/a" is not a number/);
});

test('bad arguments exit 2', () => {
  assert.equal(learn('--train', train, '--test', test_, '--target', 'y', '--learner', 'svm').code, 2);
  assert.equal(learn('--train', train, '--test', test_, '--target', 'y', '--trees', 'many').code, 2);
  assert.equal(learn('--train', train, '--target', 'y').code, 2);
  assert.equal(learn('--train', path.join(dir, 'absent.csv'), '--test', test_, '--target', 'y').code, 2);
  const other = writeCsv('other.csv', 50, 3, 'a,b,c,z,e,y');
  const r = learn('--train', train, '--test', other, '--target', 'y');
  assert.equal(r.code, 2);
  assert.match(r.err, /no column "d"/);
});
