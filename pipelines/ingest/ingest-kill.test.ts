import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../domain/migrate.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bin/spirit-ml.js');
const FINGERPRINT = `SELECT arrayStringConcat(arraySort(groupArray(t || '=' || v)), ' ') AS fp FROM (
  SELECT 'bookings' AS t, toString(count()) || ':' || toString(groupBitXor(cityHash64(formatRow('TSV', *)))) AS v FROM bookings FINAL
  UNION ALL SELECT 'quotations', toString(count()) || ':' || toString(groupBitXor(cityHash64(formatRow('TSV', *)))) FROM quotations FINAL
  UNION ALL SELECT 'payments', toString(count()) || ':' || toString(groupBitXor(cityHash64(formatRow('TSV', *)))) FROM payments FINAL
  UNION ALL SELECT 'customers', toString(count()) || ':' || toString(groupBitXor(cityHash64(formatRow('TSV', *)))) FROM customers FINAL)`;

/**
 * The real thing: `spirit-ml ingest` in its own process, killed with SIGKILL in the middle of the bookings,
 * then run again. Its ClickHouse must end up identical to one clean run's.
 */
describe('ingest killed with SIGKILL and run again', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'ingest_kill');
    await migrate(db.pool, quietLog);
    await seedBookingSystem(db.pool, 20_000);
  });
  after(async () => db?.drop());

  const env = (dataDir: string) => ({ ...process.env, SPIRIT_DATA_DIR: dataDir, DATABASE_URL: db.url, LOG_LEVEL: 'debug' });
  const cli = (dataDir: string, args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { env: env(dataDir), encoding: 'utf8' });
    assert.equal(run.status, 0, `spirit-ml ${args.join(' ')} failed: ${run.stderr.slice(-2000)}`);
    return run.stdout;
  };
  const fingerprint = (dataDir: string) => JSON.parse(cli(dataDir, ['sql', '--format', 'json', FINGERPRINT]).trim()).fp as string;

  let clean: string;

  it('ends with the same data as a clean run', async () => {
    const cleanDir = tempDir('ingest-clean');
    cli(cleanDir, ['ingest', '--batch-rows', '500', '--concurrency', '1', '--path', 'copy']);
    clean = fingerprint(cleanDir);
    assert.match(clean, /bookings=20000:/);

    const killedDir = tempDir('ingest-killed');
    const child = spawn(process.execPath, [CLI, 'ingest', '--batch-rows', '500', '--concurrency', '1', '--path', 'copy', '--table', 'bookings', '--table', 'quotations', '--table', 'payments', '--table', 'customers'], {
      env: env(killedDir),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Kill once a few batches of bookings are in: mid-table, with a watermark saved and more to come.
      if ((stderr.match(/"msg":"batch inserted","command":"ingest","table":"bookings"/g) ?? []).length >= 3) child.kill('SIGKILL');
    });
    assert.equal(await exit, 'SIGKILL', `the ingest finished before it could be killed:\n${stderr.slice(-1500)}`);
    const partial = fingerprint(killedDir);
    assert.doesNotMatch(partial, /bookings=20000:/, 'the kill left the bookings half-copied');

    cli(killedDir, ['ingest', '--batch-rows', '500', '--path', 'copy']);
    assert.equal(fingerprint(killedDir), clean);
  });

  it('ends with the same data when ClickHouse was pulling', async () => {
    const killedDir = tempDir('ingest-pull-killed');
    const child = spawn(process.execPath, [CLI, 'ingest', '--concurrency', '1', '--path', 'pull', '--table', 'bookings', '--table', 'quotations', '--table', 'payments', '--table', 'customers'], {
      env: env(killedDir),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const exit = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Kill once the first table is in: the others are not, or half-way.
      if (stderr.includes('"msg":"table copied"')) child.kill('SIGKILL');
    });
    assert.equal(await exit, 'SIGKILL', `the ingest finished before it could be killed:\n${stderr.slice(-1500)}`);
    assert.notEqual(fingerprint(killedDir), clean, 'the kill left tables uncopied');

    cli(killedDir, ['ingest', '--path', 'pull']);
    assert.equal(fingerprint(killedDir), clean);
  });
});
