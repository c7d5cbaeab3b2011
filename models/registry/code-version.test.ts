import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitCommit } from './code-version.ts';

test('the code version says when the checkout that trained a model had changes not committed', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'code-version-'));
  try {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: dir, stdio: 'pipe' }).toString().trim();
    git('init', '-q');
    writeFileSync(path.join(dir, 'model.ts'), 'export const width = 1;\n');
    git('add', '.');
    git('commit', '-q', '-m', 'first');
    const commit = git('rev-parse', 'HEAD');
    assert.equal(gitCommit(dir), `git:${commit}`);
    writeFileSync(path.join(dir, 'model.ts'), 'export const width = 2;\n');
    assert.equal(gitCommit(dir), `git:${commit}+dirty`, 'an edited file');
    git('checkout', '--', 'model.ts');
    writeFileSync(path.join(dir, 'new-model.ts'), 'export {};\n');
    assert.equal(gitCommit(dir), `git:${commit}+dirty`, 'a new file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
