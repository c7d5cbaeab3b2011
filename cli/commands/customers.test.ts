import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function cli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    // The arguments are refused before any store is opened: nothing here needs a database.
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'customers', ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: 'error' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('spirit-ml customers', () => {
  it('refuses an erasure without a reason or with a bad id, exit 2, naming what is wrong', async () => {
    const noReason = await cli(['erase', '81']);
    assert.equal(noReason.code, 2);
    assert.match(noReason.stderr, /--reason is required/);
    const badId = await cli(['erase', '8x1', '--reason', 'ticket']);
    assert.equal(badId.code, 2);
    assert.match(badId.stderr, /CUSTOMER_ID must be a positive integer/);
    const noId = await cli(['export']);
    assert.equal(noId.code, 2);
    assert.match(noId.stderr, /missing argument CUSTOMER_ID/);
  });
});
