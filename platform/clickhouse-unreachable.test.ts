import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort } from '../test/support/free-port.ts';
import { quietLog, testConfig } from '../test/support/services.ts';
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
