import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Interaction } from './interactions.ts';
import { travelWorld, worldHoldout } from './travel-world.ts';

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

test('recommend-benchmark prints the three models scores and the choice as JSON', () => {
  const r = run('--train', train, '--test', heldOut, '--k', '5', '--factors', '8', '--iterations', '4', '--seed', '2');
  assert.equal(r.code, 0, r.err);
  const out = JSON.parse(r.out);
  assert.equal(out.k, 5);
  assert.ok(out.customers > 0);
  for (const name of ['popularity', 'svd', 'als']) {
    for (const figure of ['hitRate', 'ndcg', 'map', 'coverage']) assert.ok(out[name][figure] >= 0 && out[name][figure] <= 1, `${name}.${figure}`);
    assert.ok(out[name].trainSeconds >= 0);
  }
  assert.ok(['popularity', 'svd', 'als'].includes(out.chosen));
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
