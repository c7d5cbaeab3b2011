#!/usr/bin/env node
// Runs every *.test.ts under the source folders with Node's test runner (through tsx).
// The file list is expanded here because `node --test` with a quoted glob finds nothing on Node 20
// and exits 0; a run that finds no test file fails instead.
// Usage: npm test [-- FILTER...]  (a filter keeps files whose path contains it)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const ROOTS = ['platform', 'cli', 'domain', 'pipelines', 'features', 'models', 'serving', 'test'];
const root = new URL('..', import.meta.url).pathname;

function walk(dir, found) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, found);
    else if (name.endsWith('.test.ts')) found.push(relative(root, full));
  }
  return found;
}

const filters = process.argv.slice(2);
const files = ROOTS.flatMap((r) => {
  try {
    return walk(join(root, r), []);
  } catch {
    return [];
  }
})
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files found' + (filters.length ? ` for ${filters.join(' ')}` : ''));
  process.exit(1);
}
console.error(`run-tests: ${files.length} test files`);
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=900000', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } },
);
process.exit(result.status ?? 1);
