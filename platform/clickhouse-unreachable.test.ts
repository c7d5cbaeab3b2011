import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/support/free-port.ts';
import { quietLog, tempDir, testConfig } from '../test/support/services.ts';
import { openClickHouse } from './clickhouse.ts';

test('a ClickHouse that cannot be reached is named without the password of its URL', async () => {
  const port = await freePort();
  const config = testConfig({ CLICKHOUSE_URL: `http://spirit:s3cretPW@127.0.0.1:${port}` });
  await assert.rejects(openClickHouse(config, quietLog), (err: Error) => {
    assert.match(err.message, new RegExp(`cannot use ClickHouse at http://spirit:\\*\\*\\*@127\\.0\\.0\\.1:${port}`));
    assert.ok(!err.message.includes('s3cretPW'), err.message);
    return true;
  });
});

test('the CLI says so in one line: the ClickHouse client prints nothing of its own (no stack, no advice)', async () => {
  const port = await freePort();
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'sql', 'SELECT 1'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    encoding: 'utf8',
    env: { ...process.env, CLICKHOUSE_URL: `http://127.0.0.1:${port}`, SPIRIT_DATA_DIR: tempDir('clickhouse-unreachable'), LOG_LEVEL: 'warn' },
  });
  assert.equal(run.status, 1, run.stderr);
  assert.deepEqual(run.stderr.trim().split('\n'), [`spirit-ml sql: cannot use ClickHouse at http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`]);
});
