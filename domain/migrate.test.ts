import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { migrate, readMigrations } from './migrate.ts';
import { freshDatabase, postgresTargets, quietLog, tempDir, type TestDatabase } from '../test/support/services.ts';

const targets = await postgresTargets();

for (const target of targets) {
  describe(`migrations on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'migrate');
    });
    after(async () => db?.drop());

    it('applies every migration once, then nothing on a second run', async () => {
      const first = await migrate(db.pool, quietLog);
      assert.deepEqual(first.applied, readMigrations().map((m) => m.file));
      const second = await migrate(db.pool, quietLog);
      assert.deepEqual(second.applied, []);
      assert.equal(second.alreadyApplied, first.applied.length);
    });

    it('gives every table created_at and updated_at', async () => {
      const { rows } = await db.pool.query<{ table_name: string; cols: string[] }>(
        `SELECT table_name, array_agg(column_name::text) AS cols FROM information_schema.columns
          WHERE table_schema = 'public' AND table_name <> 'schema_migrations' GROUP BY table_name`,
      );
      assert.ok(rows.length >= 12, `expected the booking system's tables, got ${rows.map((r) => r.table_name).join(', ')}`);
      for (const row of rows) {
        assert.ok(row.cols.includes('created_at') && row.cols.includes('updated_at'), `${row.table_name} lacks created_at/updated_at`);
      }
    });

    it('bumps updated_at on update unless the writer sets it', async () => {
      await db.pool.query(`INSERT INTO destinations (code, name, country, region, updated_at) VALUES ('cusco', 'Cusco', 'PE', 'Andes', '2020-01-01')`);
      await db.pool.query(`UPDATE destinations SET name = 'Cusco & Sacred Valley' WHERE code = 'cusco'`);
      const bumped = await db.pool.query<{ updated_at: Date }>(`SELECT updated_at FROM destinations WHERE code = 'cusco'`);
      assert.ok(bumped.rows[0].updated_at.getFullYear() > 2020);
      await db.pool.query(`UPDATE destinations SET name = 'Cusco', updated_at = '2021-06-01T00:00:00Z' WHERE code = 'cusco'`);
      const kept = await db.pool.query<{ updated_at: Date }>(`SELECT updated_at FROM destinations WHERE code = 'cusco'`);
      assert.equal(kept.rows[0].updated_at.toISOString(), '2021-06-01T00:00:00.000Z');
    });

    it('refuses a migration that changed after it was applied', async () => {
      const dir = tempDir('migrations');
      for (const m of readMigrations()) fs.writeFileSync(path.join(dir, m.file), m.sql);
      fs.appendFileSync(path.join(dir, readMigrations()[0].file), '\n-- edited\n');
      await assert.rejects(migrate(db.pool, quietLog, dir), /changed after it was applied/);
    });

    it('lets two processes migrate at the same time (advisory lock)', async () => {
      const other = await freshDatabase(target.baseUrl!, 'migrate_race');
      try {
        const results = await Promise.all([migrate(other.pool, quietLog), migrate(other.pool, quietLog)]);
        assert.equal(results[0].applied.length + results[1].applied.length, readMigrations().length);
      } finally {
        await other.drop();
      }
    });
  });
}
