import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const corpus = path.join(root, 'models/nlu/corpus/test-messages.jsonl');
const dir = mkdtempSync(path.join(os.tmpdir(), 'spirit-nlu-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'nlu-benchmark', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('nlu-benchmark prints one JSON line with the model, and the keyword baseline under "baseline"', () => {
  const r = run('--file', corpus, '--today', '2026-03-10');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.trim().split('\n').length, 1);
  const report = JSON.parse(r.out);
  for (const scores of [report, report.baseline]) {
    assert.deepEqual(Object.keys(scores.intent).sort(), ['accuracy', 'macroF1']);
    assert.deepEqual(Object.keys(scores.entities).sort(), ['budget', 'date_from', 'date_to', 'destination', 'party_size', 'service_level']);
    for (const v of [...Object.values(scores.intent), ...Object.values(scores.entities)] as number[]) assert.ok(v >= 0 && v <= 1);
    assert.ok(scores.latencyMsP99 >= 0);
  }
  assert.ok(report.intent.accuracy > report.baseline.intent.accuracy + 0.2, r.out);
  assert.ok(report.intent.macroF1 > report.baseline.intent.macroF1 + 0.2, r.out);
});

test('bad arguments and bad lines exit 2 naming the option or the line', () => {
  const noFile = run('--today', '2026-03-10');
  assert.equal(noFile.code, 2);
  assert.match(noFile.err, /--file is required/);
  const badToday = run('--file', corpus, '--today', '2026-02-30');
  assert.equal(badToday.code, 2);
  assert.match(badToday.err, /--today must be a date YYYY-MM-DD, got "2026-02-30"/);
  const absent = run('--file', path.join(dir, 'absent.jsonl'), '--today', '2026-03-10');
  assert.equal(absent.code, 2);
  assert.match(absent.err, /--file: cannot read .*absent\.jsonl: ENOENT/);
  const bad = path.join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"text":"hola","lang":"es","intent":"greeting","entities":{}}\n{"text":"hi","lang":"en","intent":"chitchat","entities":{}}\n');
  const badLine = run('--file', bad, '--today', '2026-03-10');
  assert.equal(badLine.code, 2);
  assert.match(badLine.err, /bad\.jsonl line 2: intent "chitchat" is not a known intent/);
  assert.equal(run('--file', corpus, '--today', '2026-03-10', '--seed', '-1').code, 2);
});
