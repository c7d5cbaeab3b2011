import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * docs/configuration.md says it lists every setting the platform reads from the environment: each variable that
 * production code reads (`process.env.X`, `env.X`, `intSetting(env, 'X', …)`) must appear there, in backquotes.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const FOLDERS = ['platform', 'features', 'models', 'serving', 'pipelines', 'domain', 'cli', 'notebooks'];
const READS = /process\.env\.([A-Z][A-Z0-9_]+)|\benv\.([A-Z][A-Z0-9_]+)|Setting\(env, '([A-Z][A-Z0-9_]+)'/g;

function* productionFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'node_modules') yield* productionFiles(full);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield full;
  }
}

test('every environment variable production code reads is in docs/configuration.md', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const read = new Map<string, string>();
  for (const folder of FOLDERS) {
    for (const file of productionFiles(path.join(ROOT, folder))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(READS)) {
        const name = m[1] ?? m[2] ?? m[3];
        if (!read.has(name)) read.set(name, path.relative(ROOT, file));
      }
    }
  }
  assert.ok(read.size > 20, `found ${read.size} variables: the scan itself works`);
  const missing = [...read].filter(([name]) => !doc.includes(`\`${name}\``)).map(([name, file]) => `${name} (${file})`);
  assert.deepEqual(missing, []);
});
