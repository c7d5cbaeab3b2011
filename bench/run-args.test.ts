import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/** `npm run bench -- …` as a newcomer types it: bad arguments exit 2 with the usage, before any benchmark runs. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bench = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

describe('npm run bench arguments', () => {
  it('--help lists the benchmarks and runs none', () => {
    const run = bench('--help');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Usage: npm run bench/m);
    assert.match(run.stdout, /Benchmarks: .*\bserving\b/);
    assert.doesNotMatch(run.stderr, /\[bench\]/, 'no benchmark started');
  });

  it('an unknown option is exit 2 naming it, without a stack trace', () => {
    const run = bench('--scael', 'small');
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /bench: Unknown option '--scael'/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a misspelt name next to a right one is exit 2, not left out while the other runs', () => {
    const run = bench('serving', 'servnig');
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, /bench: no benchmark named servnig/);
    assert.doesNotMatch(run.stderr, /\[bench\]/, 'no benchmark started');
  });
});
