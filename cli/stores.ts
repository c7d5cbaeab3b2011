import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { openPostgres, requestPool } from '../platform/postgres.ts';
import { survivePostgresDisconnects } from '../platform/connection-errors.ts';
import { openClickHouse } from '../platform/clickhouse.ts';
import { migrate } from '../domain/migrate.ts';
import { migrateWarehouse } from '../pipelines/warehouse/migrate.ts';
import { applyRetention } from '../pipelines/warehouse/retention.ts';

export interface Stores {
  pg: pg.Pool;
  /** The same PostgreSQL for the API's requests: connections and queries with bounded waits (platform/postgres.ts). */
  requests: pg.Pool;
  clickhouse: ClickHouseClient;
  close(): Promise<void>;
}

/**
 * Opens the booking system's PostgreSQL and the ClickHouse warehouse (embedded unless configured) with their
 * schemas up to date — what every command that touches data starts with.
 */
export async function openStores(config: Config, log: Logger, need: { pg?: boolean; clickhouse?: boolean } = { pg: true, clickhouse: true }): Promise<Stores> {
  const postgres = need.pg ? await openPostgres(config, log) : undefined;
  if (postgres) survivePostgresDisconnects(postgres.pool, log);
  let clickhouse;
  try {
    if (postgres) await migrate(postgres.pool, log);
    clickhouse = need.clickhouse ? await openClickHouse(config, log) : undefined;
    if (clickhouse) {
      await migrateWarehouse(clickhouse.client, log, { cluster: clickhouse.cluster });
      await applyRetention(clickhouse.client, { requestLog: config.requestLogRetentionDays, chat: config.chatRetentionDays }, log);
    }
  } catch (err) {
    await clickhouse?.close().catch(() => undefined);
    await postgres?.close().catch(() => undefined);
    throw err;
  }
  let requests: pg.Pool | undefined;
  return {
    get pg() {
      if (!postgres) throw new Error('PostgreSQL was not opened for this command');
      return postgres.pool;
    },
    get requests() {
      if (!postgres) throw new Error('PostgreSQL was not opened for this command');
      if (!requests) {
        requests = requestPool(postgres.pool);
        survivePostgresDisconnects(requests, log);
      }
      return requests;
    },
    get clickhouse() {
      if (!clickhouse) throw new Error('ClickHouse was not opened for this command');
      return clickhouse.client;
    },
    async close() {
      await clickhouse?.close().catch(() => undefined);
      await requests?.end().catch(() => undefined);
      await postgres?.close();
    },
  };
}

/** Runs `work` on the booking system's PostgreSQL alone (schema up to date), closing it afterwards. */
export async function withPostgres<T>(config: Config, log: Logger, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
  const stores = await openStores(config, log, { pg: true, clickhouse: false });
  try {
    return await work(stores.pg);
  } finally {
    await stores.close();
  }
}
