import fs from 'node:fs';
import path from 'node:path';
import { Compile } from 'typebox/compile';
import { AnalyticsAnswer } from '../contract/analytics.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { InputError, SpiritError } from '../platform/errors.ts';
import { openClickHouse, type ClickHouseHandle } from '../platform/clickhouse.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { AnalystSqlError, AnalystWarehouse, CLI_LIMITS, runAnalystQuery, type AnalystLimits, type AnalystQuery, type AnalystResult } from '../platform/analyst-sql/index.ts';

/**
 * Where the command line's analyst queries run (`spirit-ml sql`, `spirit-ml notebook run`): the warehouse itself
 * through the analyst guard, or — when the embedded ClickHouse is held by another process (`npm start`) — the
 * running API's `POST /v1/analytics/query`, which applies the same guard.
 */
export interface AnalystSource {
  /** Where the queries go, for messages. */
  describe: string;
  run(query: Omit<AnalystQuery, 'limits'> & { limits?: Partial<AnalystLimits> }): Promise<AnalystResult>;
  close(): Promise<void>;
}

export async function openAnalystSource(config: Config, log: Logger, say: (line: string) => void): Promise<AnalystSource> {
  if (config.clickhouseUrl && config.clickhouseAnalystUser) {
    // The analyst user alone: the command never connects as the platform's user.
    return localSource(new AnalystWarehouse(config), undefined, `ClickHouse at ${config.clickhouseUrl} as user ${config.clickhouseAnalystUser}`);
  }
  let handle: ClickHouseHandle;
  try {
    handle = await openClickHouse(config, log);
  } catch (err) {
    if (err instanceof SpiritError && err.code === 'clickhouse_busy') return apiSource(config, err.message);
    throw err;
  }
  try {
    if (handle.embedded) {
      await migrateWarehouse(handle.client, log);
    } else {
      say(
        `connecting to ClickHouse as the platform's user${config.clickhouseUser ? ` ${config.clickhouseUser}` : ''} (read-only for this query); ` +
          'set CLICKHOUSE_ANALYST_USER and CLICKHOUSE_ANALYST_PASSWORD to use the analyst user (deploy/clickhouse/analyst-user.sh)',
      );
    }
  } catch (err) {
    await handle.close();
    throw err;
  }
  return localSource(new AnalystWarehouse(config, handle.client), handle, handle.embedded ? `the embedded ClickHouse under ${config.dataDir}` : `ClickHouse at ${config.clickhouseUrl}`);
}

function localSource(warehouse: AnalystWarehouse, handle: ClickHouseHandle | undefined, describe: string): AnalystSource {
  return {
    describe,
    run: (query) => runAnalystQuery(warehouse, { ...query, limits: { ...CLI_LIMITS, ...query.limits } }),
    async close() {
      await warehouse.close();
      await handle?.close();
    },
  };
}

/** The API of the process that holds the data directory: SPIRIT_API_URL, or HOST:PORT as that process reads them. */
function apiUrl(config: Config): string {
  const given = process.env.SPIRIT_API_URL?.trim();
  if (given) return given.replace(/\/+$/, '');
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}

/** An analyst (or admin) key: SPIRIT_API_KEY, or the analyst key `npm start` keeps in the data directory. */
function apiKey(config: Config): string | undefined {
  const given = process.env.SPIRIT_API_KEY?.trim();
  if (given) return given;
  const file = path.join(config.dataDir, 'api-keys.json');
  try {
    const keys = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    return typeof keys.analyst === 'string' ? keys.analyst : undefined;
  } catch {
    return undefined;
  }
}

const analyticsAnswer = Compile(AnalyticsAnswer);

function apiSource(config: Config, busy: string): AnalystSource {
  const base = apiUrl(config);
  const key = apiKey(config);
  const what = `${busy.replace(/;.*$/, '')}`;
  if (!key) {
    throw new InputError(
      `${what}. To query it through that process's API (${base}), set SPIRIT_API_KEY to an analyst key ` +
        `(npm start keeps one in ${path.join(config.dataDir, 'api-keys.json')}; or: spirit-ml keys create --name me --role analyst); ` +
        'or stop that process; or point CLICKHOUSE_URL at a ClickHouse server',
      'SPIRIT_API_KEY',
    );
  }
  return {
    describe: `the API at ${base} (the embedded ClickHouse is held by the process serving it)`,
    async run(query) {
      const body = { sql: query.sql, params: query.params ?? {}, format: query.format, ...(query.limits?.rows ? { maxRows: query.limits.rows } : {}), ...(query.limits?.seconds ? { timeoutSeconds: query.limits.seconds } : {}) };
      let response: Response;
      try {
        response = await fetch(`${base}/v1/analytics/query`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify(body) });
      } catch (err) {
        throw new InputError(
          `${what}, and its API did not answer at ${base} (${(err as Error).message}): set SPIRIT_API_URL to where that process's API listens, ` +
            'or stop that process, or point CLICKHOUSE_URL at a ClickHouse server',
          'SPIRIT_API_URL',
        );
      }
      if (response.status === 401 || response.status === 403) {
        const reason = ((await response.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${response.status}`;
        throw new InputError(`the API at ${base} refused the key in SPIRIT_API_KEY: ${reason}; use an analyst or admin key`, 'SPIRIT_API_KEY');
      }
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))) as { code?: string; message?: string; field?: string };
        if (response.status === 400) throw new AnalystSqlError((error.code as 'sql_refused') ?? 'sql_invalid', error.message ?? 'the API refused the query', error.field);
        throw new SpiritError(error.code ?? 'api_error', `the API at ${base} answered ${response.status}: ${error.message ?? ''}`);
      }
      const elapsedMs = Number(response.headers.get('x-elapsed-ms') ?? 0);
      if (query.format === 'json') {
        const json: unknown = await response.json();
        if (!analyticsAnswer.Check(json)) throw new SpiritError('api_error', `the API at ${base} answered a query with a body its contract does not describe`);
        return { format: 'json', columns: json.columns, rows: json.rows, elapsedMs: json.elapsedMs };
      }
      return { format: query.format, body: Buffer.from(await response.arrayBuffer()), elapsedMs };
    },
    async close() {},
  };
}
