import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileArtifactStore } from './file-store.ts';

/**
 * Found in the security review: run as root, any local user could read a recommender's artefact (customers' ids)
 * under models/, whose folders and files took the umask's 0755/0644.
 */
test('what the file store writes is readable by its owner only', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'file-store-'));
  try {
    const root = path.join(dir, 'models');
    const store = new FileArtifactStore(root);
    await store.put('recommender/artifacts/v1.json.gz', new Uint8Array([1, 2, 3]));
    await store.putNew('recommender/versions/v1.json', new Uint8Array([4]));
    const release = await store.lock('recommender/aliases');
    const lockFile = readdirSync(root, { recursive: true, withFileTypes: true }).find((e) => e.name.endsWith('.lock'))!;
    assert.equal(statSync(path.join(lockFile.parentPath, lockFile.name)).mode & 0o077, 0, 'the lock file');
    await release();
    for (const entry of ['', 'recommender', 'recommender/artifacts', 'recommender/artifacts/v1.json.gz', 'recommender/versions/v1.json']) {
      assert.equal(statSync(path.join(root, entry)).mode & 0o077, 0, `${entry || 'the root'} is private`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
