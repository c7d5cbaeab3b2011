import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';
import { SpiritError } from '../../platform/errors.ts';
import { onCluster } from '../../platform/clickhouse-cluster.ts';

export const WAREHOUSE_MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Where applied migrations are recorded. */
export const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS warehouse_migrations (
  version String, file String, checksum String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
) ENGINE = MergeTree ORDER BY version`;

/** Splits a migration file into statements: ClickHouse runs one statement per query. */
export function statementsOf(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Applies ClickHouse migrations in file-name order and records them in warehouse_migrations. ClickHouse has
 * no transactional DDL, so every statement is written to be idempotent (IF NOT EXISTS): a run that died
 * half-way through a file simply runs the whole file again.
 * With `cluster` (CLICKHOUSE_CLUSTER) every statement runs ON CLUSTER with Replicated engines
 * (platform/clickhouse-cluster.ts). It is chosen when the warehouse is created: tables that already exist are left
 * as they are (IF NOT EXISTS), and the checksums recorded are those of the files either way.
 */
export async function migrateWarehouse(
  client: ClickHouseClient,
  log: Logger,
  options: { dir?: string; cluster?: string } = {},
): Promise<string[]> {
  const { dir = WAREHOUSE_MIGRATIONS_DIR, cluster } = options;
  await client.command({ query: onCluster(MIGRATIONS_TABLE, cluster) });
  const recorded = await client.query({ query: 'SELECT version, file, checksum FROM warehouse_migrations', format: 'JSONEachRow' });
  const known = new Map((await recorded.json<{ version: string; file: string; checksum: string }>()).map((r) => [r.version, r]));
  const applied: string[] = [];
  for (const file of fs.readdirSync(dir).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort()) {
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    const checksum = crypto.createHash('sha256').update(sql).digest('hex');
    const version = file.slice(0, 3);
    const previous = known.get(version);
    if (previous) {
      if (previous.checksum !== checksum) {
        throw new SpiritError('migration_changed', `warehouse migration ${file} changed after it was applied; add a new migration instead`);
      }
      continue;
    }
    for (const statement of statementsOf(sql).map((s) => onCluster(s, cluster))) {
      try {
        await client.command({ query: statement });
      } catch (err) {
        throw new SpiritError('migration_failed', `warehouse migration ${file} failed at "${statement.slice(0, 80)}…": ${(err as Error).message}`);
      }
    }
    await client.insert({ table: 'warehouse_migrations', values: [{ version, file, checksum }], format: 'JSONEachRow' });
    applied.push(file);
    log.info('warehouse migration applied', { file });
  }
  return applied;
}
