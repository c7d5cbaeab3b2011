import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { Logger } from '../platform/log.ts';
import { SpiritError } from '../platform/errors.ts';

export const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

// Any constant works; it only has to be the same for every process that migrates this database.
const MIGRATION_LOCK = 7_201_014_521;

export interface Migration {
  version: string;
  file: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(path.join(dir, file), 'utf8');
      return { version: file.slice(0, 3), file, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/**
 * Applies the migrations not yet recorded in schema_migrations, each in its own transaction, under an advisory
 * lock so that two processes starting together do not race. A recorded migration whose file changed is an
 * error: history is never rewritten silently.
 */
export async function migrate(pool: pg.Pool, log: Logger, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  const migrations = readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version     text PRIMARY KEY,
      file        text NOT NULL,
      checksum    text NOT NULL,
      applied_at  timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: string; file: string; checksum: string }>('SELECT version, file, checksum FROM schema_migrations');
    const recorded = new Map(rows.map((r) => [r.version, r]));
    const applied: string[] = [];
    for (const m of migrations) {
      const known = recorded.get(m.version);
      if (known) {
        if (known.checksum !== m.checksum) {
          throw new SpiritError(
            'migration_changed',
            `migration ${m.file} was changed after it was applied (as ${known.file}); add a new migration instead of editing it`,
          );
        }
        continue;
      }
      const started = performance.now();
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, file, checksum) VALUES ($1, $2, $3)', [m.version, m.file, m.checksum]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new SpiritError('migration_failed', `migration ${m.file} failed: ${(err as Error).message}`);
      }
      applied.push(m.file);
      log.info('migration applied', { file: m.file, ms: Math.round(performance.now() - started) });
    }
    return { applied, alreadyApplied: migrations.length - applied.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
}
