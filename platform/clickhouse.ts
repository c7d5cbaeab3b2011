import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import { checkClickHouseDatabase, type Config } from './config.ts';
import type { Logger } from './log.ts';
import { SpiritError } from './errors.ts';
import { ensureDataDir, ensurePrivateDir } from './data-dir.ts';
import { onCluster } from './clickhouse-cluster.ts';
import { redactUrl } from './redact-url.ts';

interface ChdbRawInsert {
  rawInsert(params: { table: string; values: Buffer; format: 'TabSeparated' | 'JSONEachRow'; columns?: readonly string[]; settings?: Record<string, string | number> }): Promise<unknown>;
}

/**
 * The chDB engine behind a client, for the one thing the generic client does badly in-process: its insert turns
 * the payload into a JS string spliced into the SQL text, which is slow for large batches, while chDB's own
 * raw insert hands the bytes to the engine's parallel parser untouched.
 */
const embeddedEngines = new WeakMap<ClickHouseClient, ChdbRawInsert>();

/** The data directory of an embedded client: more chDB sessions can be opened on it in this process. */
const embeddedPaths = new WeakMap<ClickHouseClient, string>();

/** The cluster (CLICKHOUSE_CLUSTER) a server's client creates tables on, for DDL run after the migrations. */
const clusters = new WeakMap<ClickHouseClient, string>();

/** The cluster a client's DDL runs on (platform/clickhouse-cluster.ts), or undefined for one server. */
export function clusterOf(client: ClickHouseClient): string | undefined {
  return clusters.get(client);
}

/** Makes `client`'s DDL run on `cluster`: openClickHouse does it from the configuration. */
export function registerCluster(client: ClickHouseClient, cluster: string): void {
  clusters.set(client, cluster);
}

/** Where an embedded (chDB) client keeps its data, or undefined for a server's client. */
export function embeddedDataPath(client: ClickHouseClient): string | undefined {
  return embeddedPaths.get(client);
}

export interface FormattedInsert {
  table: string;
  columns: readonly string[];
  format: 'TabSeparated' | 'JSONEachRow';
  /** Rows already encoded in `format`. */
  body: Buffer;
  settings?: Record<string, string | number>;
}

/** Inserts rows already encoded in a ClickHouse text format, the fastest way each kind of ClickHouse offers. */
export async function insertFormatted(client: ClickHouseClient, insert: FormattedInsert): Promise<void> {
  const engine = embeddedEngines.get(client);
  if (engine) {
    await engine.rawInsert({ table: insert.table, values: insert.body, format: insert.format, columns: insert.columns, settings: insert.settings });
    return;
  }
  // The bytes as the request body of an INSERT … FORMAT statement. Not `client.insert`: it accepts a byte stream
  // only for the raw formats (TabSeparated, CSV) and refuses JSONEachRow unless each row is an object to encode.
  const result = await client.exec({
    query: `INSERT INTO ${quoteIdentifier(insert.table)} (${insert.columns.map(quoteIdentifier).join(', ')}) FORMAT ${insert.format}`,
    values: Readable.from([insert.body], { objectMode: false }),
    clickhouse_settings: insert.settings,
  });
  // The answer to an INSERT is empty, but it must be read for the connection to go back to the pool.
  await new Promise<void>((resolve, reject) => result.stream.on('end', resolve).on('error', reject).resume());
}

/** A table or column name as a ClickHouse identifier: backquoted, backquotes and backslashes escaped. */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/[\\`]/g, (c) => '\\' + c) + '`';
}

/**
 * The other process that has the embedded ClickHouse under `dir` open, from the status file ClickHouse keeps
 * there (`PID: n`), if it is still running. Checked before opening: chDB only says it failed (and prints the lock
 * error on stderr), and the process holding the directory is who can answer instead (its API).
 */
function embeddedHolder(dir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(/^PID: (\d+)/m.exec(fs.readFileSync(path.join(dir, 'status'), 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * ClickHouse for analytics: the server named by CLICKHOUSE_URL, or else ClickHouse itself embedded in this
 * process (chDB) under the data directory. Both are a `@clickhouse/client` client, so every query, insert and
 * parameter binding is the same code.
 */
export interface ClickHouseHandle {
  client: ClickHouseClient;
  /** The database that holds our tables (created if missing). */
  database: string;
  embedded: boolean;
  /** CLICKHOUSE_CLUSTER: DDL runs ON CLUSTER with Replicated engines (platform/clickhouse-cluster.ts). */
  cluster: string | undefined;
  close(): Promise<void>;
}

/**
 * The client's own logger is off: every error it would print (with its stack, before ours) reaches us as a thrown
 * error, which is reported once with the URL redacted; its advice on request_timeout is for load balancers we
 * do not configure.
 */
export const SILENT_CLIENT = { level: ClickHouseLogLevel.OFF };

export async function openClickHouse(config: Config, log: Logger): Promise<ClickHouseHandle> {
  // loadConfig checked it; checked again here because it is written into statements, whoever built the config.
  const database = checkClickHouseDatabase(config.clickhouseDatabase);
  // The URL may carry user:password@: never into a message.
  const where = config.clickhouseUrl ? redactUrl(config.clickhouseUrl) : `embedded chDB under ${config.dataDir}`;
  let client: ClickHouseClient;
  let embedded = false;
  try {
    if (config.clickhouseUrl) {
      const serverOptions = {
        url: config.clickhouseUrl,
        username: config.clickhouseUser,
        password: config.clickhousePassword,
        request_timeout: 600_000,
        clickhouse_settings: { date_time_input_format: 'best_effort' as const },
        log: SILENT_CLIENT,
      };
      const bootstrap = createClient(serverOptions);
      await bootstrap.command({ query: onCluster(`CREATE DATABASE IF NOT EXISTS ${database}`, config.clickhouseCluster) }).finally(() => bootstrap.close());
      client = createClient({ ...serverOptions, database });
      if (config.clickhouseCluster) registerCluster(client, config.clickhouseCluster);
    } else {
      const dir = path.join(config.dataDir, 'clickhouse');
      ensureDataDir(config.dataDir);
      ensurePrivateDir(dir);
      const holder = embeddedHolder(dir);
      if (holder !== undefined) throw new Error(`Cannot lock file ${path.join(dir, 'status')}: held by process ${holder}`);
      const { createChdbConnection } = await import('chdb/connection');
      const connection = createChdbConnection({ path: dir });
      client = createClient({
        connection,
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      } as Parameters<typeof createClient>[0]);
      embedded = true;
      embeddedEngines.set(client, connection.chdb);
      embeddedPaths.set(client, dir);
      await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` });
      // chDB ignores the client's `database` option; USE binds the session, which every client of this
      // process shares, so unqualified table names resolve the same way as on a server.
      await client.command({ query: `USE ${database}` });
    }
  } catch (err) {
    const message = (err as Error).message;
    if (/Cannot lock file .*status/.test(message)) {
      throw new SpiritError(
        'clickhouse_busy',
        `the embedded ClickHouse under ${config.dataDir} is open in another spirit-ml process (npm start or a worker); ` +
          'stop it, or query through that process (its API), or point CLICKHOUSE_URL at a ClickHouse server',
      );
    }
    throw new SpiritError('clickhouse_unreachable', `cannot use ClickHouse at ${where}: ${message}`);
  }
  log.debug('clickhouse ready', { embedded, database });
  return { client, database, embedded, cluster: embedded ? undefined : config.clickhouseCluster, close: () => client.close() };
}
