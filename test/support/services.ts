import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { loadConfig, type Config } from '../../platform/config.ts';
import { createLogger } from '../../platform/log.ts';
import { openPostgres } from '../../platform/postgres.ts';
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse.ts';

/**
 * Real services for tests. PostgreSQL comes in two kinds and the same suite runs on both: the embedded one
 * (always available; scripts/run-tests.mjs starts one for the whole run and hands its URL over in
 * SPIRIT_TEST_EMBEDDED_PG_URL) and the machine's server on 127.0.0.1:5432, used when it answers. Each suite gets
 * a database of its own, dropped at the end. With REQUIRE_SERVICES=1 (CI) a server that does not answer fails
 * the run instead of being skipped.
 */
export const requireServices = process.env.REQUIRE_SERVICES === '1';

export const MACHINE_PG_URL = process.env.SPIRIT_TEST_MACHINE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const MACHINE_REDIS_URL = process.env.SPIRIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const quietLog = createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'error');

export function tempDir(prefix: string): string {
  // Under the system temp dir with a mode the embedded server's `postgres` user can enter when we run as root.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `spirit-${prefix}-`));
  fs.chmodSync(dir, 0o777);
  return dir;
}

export function portAnswers(host: string, port: number, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(false);
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

/** Why a server-backed suite does not run, or undefined when it does. Throws in CI (REQUIRE_SERVICES=1). */
export async function serviceSkipReason(name: string, url: string): Promise<string | undefined> {
  const u = new URL(url);
  const up = await portAnswers(u.hostname, Number(u.port || (u.protocol.startsWith('redis') ? 6379 : 5432)));
  if (up) return undefined;
  const reason = `${name} is not reachable at ${u.hostname}:${u.port}; skipping the suites that need it (set REQUIRE_SERVICES=1 to fail instead)`;
  if (requireServices) throw new Error(`${name} is required (REQUIRE_SERVICES=1) but not reachable at ${u.hostname}:${u.port}`);
  process.stderr.write(`# ${reason}\n`);
  return reason;
}

let ownEmbedded: Promise<string> | undefined;

/** URL of an embedded PostgreSQL cluster (the shared one of the test run, or one started for this process). */
export function embeddedPostgresUrl(): Promise<string> {
  const shared = process.env.SPIRIT_TEST_EMBEDDED_PG_URL;
  if (shared) return Promise.resolve(shared);
  ownEmbedded ??= (async () => {
    const dataDir = tempDir('pg');
    const port = 55000 + Math.floor(Math.random() * 5000);
    const handle = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port) }), quietLog);
    await handle.pool.end();
    process.once('exit', () => {
      // Best effort: the postmaster exits by itself when the test process's stdin closes is not guaranteed,
      // so stop it with a fast shutdown signal.
      try {
        const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    });
    return handle.url;
  })();
  return ownEmbedded;
}

export interface TestDatabase {
  url: string;
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** A new, empty database on the cluster at baseUrl, for one suite. */
export async function freshDatabase(baseUrl: string, label: string): Promise<TestDatabase> {
  const name = `t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  // allowExitOnIdle: a suite that never drops its database still lets its process end.
  const pool = new pg.Pool({ connectionString: url.toString(), max: 6, options: '-c TimeZone=UTC', allowExitOnIdle: true });
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const again = new pg.Client({ connectionString: baseUrl });
      await again.connect();
      // pool.end() resolves before the server has seen every socket close. FORCE would terminate such a connection,
      // and its client, already out of the pool, would raise the error as an uncaught exception in a later test.
      for (let wait = 0; wait < 100; wait++) {
        const { rows } = await again.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await again.end();
    },
  };
}

export interface PostgresTarget {
  name: 'embedded' | 'machine';
  baseUrl?: string;
  skip?: string;
}

/** Both PostgreSQL targets; the machine one carries a skip reason when its server does not answer. */
export async function postgresTargets(): Promise<PostgresTarget[]> {
  const skip = await serviceSkipReason('PostgreSQL (machine server)', MACHINE_PG_URL);
  return [
    { name: 'embedded', baseUrl: await embeddedPostgresUrl() },
    skip ? { name: 'machine', skip } : { name: 'machine', baseUrl: MACHINE_PG_URL },
  ];
}

let clickhouse: Promise<ClickHouseHandle> | undefined;

/**
 * The embedded ClickHouse of this test process. chDB binds one data directory per process, so every suite in a
 * file shares it; suites keep apart by using their own database (see useDatabase).
 */
export function testClickHouse(): Promise<ClickHouseHandle> {
  clickhouse ??= openClickHouse(loadConfig({ SPIRIT_DATA_DIR: tempDir('ch'), CLICKHOUSE_DATABASE: 'spirit_test' }), quietLog);
  return clickhouse;
}

/**
 * Selects a database in the test ClickHouse, creating it on first use (empty: the test ClickHouse is new for
 * every test process). Switching back to a database used earlier in the same file keeps its tables.
 */
export async function useClickHouseDatabase(client: ClickHouseClient, name: string): Promise<void> {
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${name}` });
  await client.command({ query: `USE ${name}` });
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ SPIRIT_DATA_DIR: tempDir('data'), LOG_LEVEL: 'error', ...overrides });
}
