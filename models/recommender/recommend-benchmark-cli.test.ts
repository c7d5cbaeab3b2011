import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Interaction } from './interactions.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';

const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(path.join(os.tmpdir(), 'spirit-recommend-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function writeCsv(name: string, rows: Interaction[] | string): string {
  const file = path.join(dir, name);
  const text = typeof rows === 'string' ? rows : ['user_id,item_id,weight,ts', ...rows.map((r) => `${r.userId},${r.itemId},${r.weight},${new Date(r.ts).toISOString()}`)].join('\n') + '\n';
  writeFileSync(file, text);
  return file;
}

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'recommend-benchmark', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const world = travelWorld({ customers: 600, itineraries: 80, eventsPerCustomer: 8, seed: 9 });
const split = worldHoldout(world, new Date('2025-10-20T00:00:00Z'));
const train = writeCsv('train.csv', split.train);
const heldOut = writeCsv('test.csv', split.test);

test('recommend-benchmark prints every algorithm’s tuned values, validation and test figures, and the choice made on validation', () => {
  const r = run('--train', train, '--test', heldOut, '--k', '5', '--iterations', '4', '--seed', '2');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.k, 5);
  assert.equal(out.chosenBy, 'validation ndcg');
  const names = ['als', 'svd', 'popularity', 'recent-popularity', 'ease', 'item-knn', 'ease-als'];
  for (const name of names) {
    for (const split of ['validation', 'test']) {
      for (const figure of ['hitRate', 'ndcg', 'map', 'coverage']) assert.ok(out[name][split][figure] >= 0 && out[name][split][figure] <= 1, `${name}.${split}.${figure}`);
      assert.ok(out[name][split].customers > 0);
    }
    assert.ok(out[name].trainSeconds >= 0 && out[name].tuningSeconds >= 0);
  }
  assert.equal(out.als.tuned.iterations, undefined, '--iterations holds the value instead of tuning it');
  assert.ok(out.als.tuned.regularization > 0 && out.ease.tuned.easeLambda > 0);
  const best = names.reduce((a, b) => (out[b].validation.ndcg > out[a].validation.ndcg ? b : a));
  assert.equal(out[out.chosen].validation.ndcg, out[best].validation.ndcg);
});

test('--algorithms limits the comparison and refuses a name it does not know', () => {
  const r = run('--train', train, '--test', heldOut, '--algorithms', 'popularity,ease');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.deepEqual(Object.keys(out).filter((key) => typeof out[key] === 'object').sort(), ['ease', 'popularity']);
  const bad = run('--train', train, '--test', heldOut, '--algorithms', 'popularity,magic');
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--algorithms must list some of .*"magic"/);
});

test('a bad CSV exits 2 with its line number', () => {
  const bad = writeCsv('bad.csv', 'user_id,item_id,weight,ts\nC1,IT1,1,2025-01-01\nC2,IT2,lots,2025-01-02\n');
  const r = run('--train', bad, '--test', heldOut);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.csv line 3: weight "lots" is not a number/);
  const noHeader = writeCsv('no-header.csv', 'user,item,weight,ts\nC1,IT1,1,2025-01-01\n');
  assert.match(run('--train', noHeader, '--test', heldOut).err, /line 1: missing column user_id, item_id/);
  const badDate = writeCsv('bad-date.csv', 'user_id,item_id,weight,ts\nC1,IT1,1,someday\n');
  assert.match(run('--train', train, '--test', badDate).err, /bad-date\.csv line 2: ts "someday" is not a date/);
});

test('bad arguments exit 2', () => {
  assert.equal(run('--train', train, '--test', heldOut, '--k', '0').code, 2);
  assert.equal(run('--train', train, '--test', heldOut, '--k', '101').code, 2);
  assert.equal(run('--train', train).code, 2);
  assert.equal(run('--train', path.join(dir, 'absent.csv'), '--test', heldOut).code, 2);
});
