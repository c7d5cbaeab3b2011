import fs from 'node:fs';
import path from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import { SpiritError } from './errors.ts';

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
  close(): Promise<void>;
}

export async function openClickHouse(config: Config, log: Logger): Promise<ClickHouseHandle> {
  const database = config.clickhouseDatabase;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new SpiritError('clickhouse_database', `CLICKHOUSE_DATABASE must be an identifier, got "${database}"`, 'CLICKHOUSE_DATABASE');
  }
  const where = config.clickhouseUrl ?? `embedded chDB under ${config.dataDir}`;
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
      };
      const bootstrap = createClient(serverOptions);
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${database}` }).finally(() => bootstrap.close());
      client = createClient({ ...serverOptions, database });
    } else {
      const dir = path.join(config.dataDir, 'clickhouse');
      fs.mkdirSync(dir, { recursive: true });
      const { createChdbConnection } = await import('chdb/connection');
      client = createClient({
        connection: createChdbConnection({ path: dir }),
        clickhouse_settings: { date_time_input_format: 'best_effort' },
      } as Parameters<typeof createClient>[0]);
      embedded = true;
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
  return { client, database, embedded, close: () => client.close() };
}
