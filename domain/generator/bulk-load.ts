import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Logger } from '../../platform/log.ts';
import { InputError } from '../../platform/errors.ts';
import { TABLE_COLUMNS, TABLES, type RowBatch, type TableName } from './tables.ts';

/**
 * Loads a generated world in one transaction on one connection: either the whole world is there or none of it.
 * Foreign keys and secondary indexes of the generator's tables are dropped inside the transaction and rebuilt at
 * the end (one validating join and one sorted index build are far cheaper than millions of per-row checks and
 * index insertions); rows then arrive through COPY in any table order. Identity sequences are moved past the
 * generated ids so the application's inserts keep working.
 */
interface SavedConstraint {
  table: string;
  name: string;
  definition: string;
}

interface SavedIndex {
  name: string;
  definition: string;
}

export class BulkLoad {
  readonly counts: Record<TableName, number> = Object.fromEntries(TABLES.map((t) => [t, 0])) as Record<TableName, number>;
  private open = true;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly log: Logger,
    private readonly constraints: SavedConstraint[],
    private readonly indexes: SavedIndex[],
  ) {}

  /** Opens the transaction; refuses (InputError) when any of the tables already holds rows. */
  static async begin(pool: pg.Pool, log: Logger): Promise<BulkLoad> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${TABLES.join(', ')} IN ACCESS EXCLUSIVE MODE`);
      const { rows } = await client.query<{ table_name: string; n: string }>(
        TABLES.map((t) => `SELECT '${t}' AS table_name, (SELECT count(*) FROM (SELECT 1 FROM ${t} LIMIT 1000001) s) AS n`).join(' UNION ALL '),
      );
      const filled = rows.filter((r) => Number(r.n) > 0);
      if (filled.length > 0) {
        const held = filled.map((r) => `${r.table_name}: ${Number(r.n).toLocaleString('en-US')}${Number(r.n) > 1_000_000 ? '+' : ''}`).join(', ');
        throw new InputError(
          `the database already holds data (${held}); the generator only fills an empty database — point SPIRIT_DATA_DIR or DATABASE_URL at a new one`,
          'database',
          'database_not_empty',
        );
      }
      await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
      await client.query('SET LOCAL synchronous_commit = off');
      const tables = TABLES.slice();
      const fks = await client.query<{ tbl: string; conname: string; def: string }>(
        `SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def
           FROM pg_constraint c
          WHERE c.contype = 'f' AND c.conrelid = ANY($1::text[]::regclass[])
          ORDER BY 1, 2`,
        [tables],
      );
      const idx = await client.query<{ name: string; def: string }>(
        `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
           FROM pg_index i
          WHERE i.indrelid = ANY($1::text[]::regclass[]) AND NOT i.indisprimary AND NOT i.indisunique
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
          ORDER BY 1`,
        [tables],
      );
      for (const fk of fks.rows) await client.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${pg.escapeIdentifier(fk.conname)}`);
      for (const ix of idx.rows) await client.query(`DROP INDEX ${ix.name}`);
      log.debug('bulk load started', { foreignKeys: fks.rowCount, indexes: idx.rowCount });
      return new BulkLoad(
        client,
        log,
        fks.rows.map((r) => ({ table: r.tbl, name: r.conname, definition: r.def })),
        idx.rows.map((r) => ({ name: r.name, definition: r.def })),
      );
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      throw err;
    }
  }

  /** Sends a batch, one COPY per table that has rows. */
  async copy(batch: RowBatch): Promise<void> {
    for (const table of TABLES) {
      const rows = batch.tables.get(table);
      if (!rows || rows.count === 0) continue;
      const sink = this.client.query(copyFrom(`COPY ${table} (${TABLE_COLUMNS[table].join(', ')}) FROM STDIN`));
      await new Promise<void>((resolve, reject) => {
        sink.on('finish', resolve);
        sink.on('error', reject);
        for (const chunk of rows.buffers()) sink.write(chunk);
        sink.end();
      });
      this.counts[table] += rows.count;
    }
  }

  /** Rebuilds indexes and foreign keys (validating every reference), moves the sequences on and commits. */
  async commit(): Promise<void> {
    const started = performance.now();
    try {
      const timed = async (what: string, sql: string) => {
        const t = performance.now();
        await this.client.query(sql);
        this.log.debug('bulk load rebuilt', { what, seconds: Number(((performance.now() - t) / 1000).toFixed(2)) });
      };
      for (const ix of this.indexes) await timed(ix.name, ix.definition);
      for (const fk of this.constraints) await timed(`${fk.table}.${fk.name}`, `ALTER TABLE ${fk.table} ADD CONSTRAINT ${pg.escapeIdentifier(fk.name)} ${fk.definition}`);
      for (const table of TABLES) {
        if (!(TABLE_COLUMNS[table] as readonly string[]).includes('id')) continue;
        await this.client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), max(id)) FROM ${table} HAVING max(id) IS NOT NULL`);
      }
      await this.client.query('COMMIT');
    } catch (err) {
      await this.rollback();
      throw err;
    }
    this.open = false;
    this.log.debug('bulk load committed', { seconds: Number(((performance.now() - started) / 1000).toFixed(2)) });
    try {
      // Fresh statistics, so the first queries on the new world get sensible plans.
      await this.client.query(`ANALYZE ${TABLES.join(', ')}`);
    } finally {
      this.client.release();
    }
  }

  /** Undoes everything (safe to call after a failed commit). */
  async rollback(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    await this.client.query('ROLLBACK').catch(() => undefined);
    this.client.release();
  }
}
