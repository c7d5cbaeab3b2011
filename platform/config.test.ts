import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { InputError } from './errors.ts';
import { loadConfig } from './config.ts';

const root = new URL('..', import.meta.url).pathname;

test('a setting with a value it cannot take is refused at start, naming it', () => {
  for (const [name, value] of [['LOG_LEVEL', 'loud'], ['LOG_FORMAT', 'yaml'], ['CLICKHOUSE_DATABASE', 'spirit-ml']]) {
    assert.throws(() => loadConfig({ [name]: value }), (err: unknown) => err instanceof InputError && err.field === name && err.message.includes(value), name);
  }
  assert.equal(loadConfig({ LOG_FORMAT: 'text', CLICKHOUSE_DATABASE: 'spirit_test' }).clickhouseDatabase, 'spirit_test');
});

test('a server URL that is not one is refused naming its variable, without repeating it (it may hold a password)', () => {
  for (const [name, value] of [['DATABASE_URL', 'notaurl'], ['DATABASE_URL', 'http://u:secret@db/spirit'], ['CLICKHOUSE_URL', 'ch-server:8123'], ['REDIS_URL', 'cache-host:6379']]) {
    assert.throws(() => loadConfig({ [name]: value }), (err: unknown) => err instanceof InputError && err.field === name && err.message.startsWith(`${name} must be a URL`) && !err.message.includes(value), `${name}=${value}`);
  }
  // A password straight from `openssl rand -base64` often holds a /, which ends the URL's authority early.
  assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://spirit:Qx7/Zp+k=@db:5432/spirit' }), /percent-encoded, e\.g\. \/ as %2F/);
  const ok = loadConfig({ DATABASE_URL: 'postgresql://spirit:pw@db:5432/spirit', CLICKHOUSE_URL: 'https://ch.example:8443', REDIS_URL: 'rediss://cache:6380/0' });
  assert.deepEqual([ok.databaseUrl, ok.clickhouseUrl, ok.redisUrl], ['postgresql://spirit:pw@db:5432/spirit', 'https://ch.example:8443', 'rediss://cache:6380/0']);
});

test('the CLI exits 2 on such a setting, before doing anything', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'models', 'list'], { cwd: root, encoding: 'utf8', env: { ...process.env, LOG_FORMAT: 'yaml' } });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /LOG_FORMAT must be json or text, got "yaml"/);
});
