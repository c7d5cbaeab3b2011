import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrate } from '../../domain/migrate.ts';
import { migrateWarehouse, statementsOf, WAREHOUSE_MIGRATIONS_DIR } from '../warehouse/migrate.ts';
import { ingest } from './ingest.ts';
import { INGEST_TABLES } from './ingest-tables.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { appendAudit, pipelineActor } from '../../platform/audit-log.ts';
import { freshDatabase, postgresTargets, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';

/** Every table's content, one row per source row (FINAL), as an order-independent fingerprint. */
async function fingerprint(ch: ClickHouseClient): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of INGEST_TABLES) {
    const result = await ch.query({ query: `SELECT count() AS n, toString(groupBitXor(cityHash64(formatRow('TSV', *)))) AS h FROM ${table.name} FINAL`, format: 'JSONEachRow' });
    const [row] = await result.json<{ n: string; h: string }>();
    out[table.name] = `${row.n}:${row.h}`;
  }
  return out;
}

async function pgCounts(pool: pg.Pool): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of INGEST_TABLES) {
    const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table.name}`);
    out[table.name] = Number(rows[0].n);
  }
  return out;
}

const ch = (await testClickHouse()).client;

function crashAt(table: string, batch: number) {
  return (t: string, b: number) => {
    if (t === table && b === batch) throw new Error(`simulated crash after batch ${batch} of ${table}`);
  };
}

async function finalCount(client: ClickHouseClient, table: string): Promise<number> {
  const result = await client.query({ query: `SELECT count() AS n FROM ${table} FINAL`, format: 'JSONEachRow' });
  return Number((await result.json<{ n: string }>())[0].n);
}

describe('the ingested tables in ClickHouse', () => {
  it('write compact parts with small compression blocks, which bound the ingest memory, and merge in wide steps (migrations 070, 071)', async () => {
    await useClickHouseDatabase(ch, 'ingest_part_format');
    await migrateWarehouse(ch, quietLog);
    const result = await ch.query({ query: 'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' });
    const engines = new Map((await result.json<{ name: string; engine_full: string }>()).map((t) => [t.name, t.engine_full]));
    for (const table of INGEST_TABLES) {
      const engine = engines.get(table.name) ?? '';
      for (const setting of ['min_bytes_for_wide_part = 268435456', 'max_compress_block_size = 262144', 'min_compress_block_size = 65536', 'merge_selector_base = 10']) {
        assert.ok(engine.includes(setting), `${table.name} lacks ${setting}: ${engine}`);
      }
    }
  });
});

for (const target of await postgresTargets()) {
  describe(`ingest from ${target.name} PostgreSQL into ClickHouse`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let clean: Record<string, string>;
    const warehouse = (suffix: string) => `ingest_${target.name}_${suffix}`;

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'ingest');
      await migrate(db.pool, quietLog);
      await seedBookingSystem(db.pool, 3000);
    });
    after(async () => db?.drop());

    it('copies every row of every table, with NULLs, arrays, JSON and escaped text intact', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      await migrateWarehouse(ch, quietLog);
      const report = await ingest(db.pool, ch, { log: quietLog, batchRows: 700 });
      assert.equal(report.path, 'pull', 'ClickHouse reads this PostgreSQL itself');
      const counts = await pgCounts(db.pool);
      assert.equal(report.rows, Object.values(counts).reduce((a, b) => a + b, 0));
      for (const table of INGEST_TABLES) {
        const result = await ch.query({ query: `SELECT count() AS n FROM ${table.name} FINAL`, format: 'JSONEachRow' });
        assert.equal(Number((await result.json<{ n: string }>())[0].n), counts[table.name], table.name);
      }
      const profile = await ch.query({
        query: 'SELECT ages, special_needs, JSONExtractString(preferences, \'note\') AS note FROM customer_group_profiles FINAL WHERE customer_id = 5',
        format: 'JSONEachRow',
      });
      assert.deepEqual(await profile.json(), [{ ages: [34, 36, 7], special_needs: ['vegetarian', 'line\nbreak'], note: 'back\\slash' }]);
      const itinerary = await ch.query({ query: "SELECT name, themes FROM itineraries FINAL WHERE code = 'it-1'", format: 'JSONEachRow' });
      assert.deepEqual(await itinerary.json(), [{ name: 'Tour 1 with a\ttab', themes: ['culture', 'nature'] }]);
      const rating = await ch.query({ query: 'SELECT comment FROM ratings FINAL WHERE booking_id = 4', format: 'JSONEachRow' });
      assert.deepEqual(await rating.json(), [{ comment: null }]);
      const commented = await ch.query({ query: 'SELECT comment FROM ratings FINAL WHERE booking_id = 12', format: 'JSONEachRow' });
      assert.deepEqual(await commented.json(), [{ comment: 'great\tguide, "really"' }]);
      const email = await ch.query({ query: 'SELECT email FROM customers FINAL WHERE id = 7', format: 'JSONEachRow' });
      assert.deepEqual(await email.json(), [{ email: null }]);
      clean = await fingerprint(ch);
    });

    it('copies nothing new on a second run and leaves the same data', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      const again = await ingest(db.pool, ch, { log: quietLog, batchRows: 700 });
      assert.equal(again.rows, 0);
      const inserted = Object.entries(again.tables).filter(([, t]) => t.batches > 0);
      assert.deepEqual(inserted, [], 'a table that did not change costs no insert');
      assert.deepEqual(await fingerprint(ch), clean);
      const full = await ingest(db.pool, ch, { log: quietLog, batchRows: 700, full: true });
      // The ranges hold every row already, so the rows read are counted in PostgreSQL, not in ClickHouse (where the
      // copies of each row sit side by side until a merge collapses them).
      assert.equal(full.rows, Object.values(await pgCounts(db.pool)).reduce((a, b) => a + b, 0));
      assert.deepEqual(await fingerprint(ch), clean, 'a full re-copy collapses onto the same rows');
    });

    it('loads the tables a migration replaced again on the next run (006 on a warehouse that had data)', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      const sql = fs.readFileSync(path.join(WAREHOUSE_MIGRATIONS_DIR, '006_booking_tables_unpartitioned.sql'), 'utf8');
      for (const statement of statementsOf(sql)) await ch.command({ query: statement });
      assert.equal(await finalCount(ch, 'bookings'), 0, 'the migration replaced bookings');
      const reloaded = await ingest(db.pool, ch, { log: quietLog });
      assert.equal(reloaded.tables.bookings.rows, 3000);
      assert.equal(reloaded.tables.customers.rows, 0, 'tables the migration left alone keep their place');
      assert.deepEqual(await fingerprint(ch), clean);
    });

    it('runs a first load killed half-way again and ends with the same data', async () => {
      await useClickHouseDatabase(ch, warehouse('crash'));
      await migrateWarehouse(ch, quietLog);
      await assert.rejects(
        ingest(db.pool, ch, { log: quietLog, batchRows: 700, concurrency: 1, path: 'copy', afterBatch: crashAt('bookings', 2) }),
        /simulated crash/,
      );
      assert.ok((await finalCount(ch, 'bookings')) < 3000, 'the crash left bookings half-copied');
      await ingest(db.pool, ch, { log: quietLog, batchRows: 700 });
      assert.deepEqual(await fingerprint(ch), clean);
    });

    it('resumes an incremental run after a crash at its watermark and ends with the same data', async () => {
      await db.pool.query(`UPDATE bookings SET total_price = total_price + 5 WHERE id % 2 = 0`);
      await useClickHouseDatabase(ch, warehouse('clean'));
      const reference = await ingest(db.pool, ch, { log: quietLog, batchRows: 300 });
      assert.equal(reference.tables.bookings.rows, 1500);
      clean = await fingerprint(ch);

      await useClickHouseDatabase(ch, warehouse('crash'));
      await assert.rejects(
        ingest(db.pool, ch, { log: quietLog, batchRows: 300, concurrency: 1, path: 'copy', afterBatch: crashAt('bookings', 2) }),
        /simulated crash/,
      );
      const resumed = await ingest(db.pool, ch, { log: quietLog, batchRows: 300, path: 'copy' });
      assert.equal(resumed.tables.bookings.rows, 1500 - 600, 'the resumed run starts after the last saved batch');
      assert.deepEqual(await fingerprint(ch), clean);
    });

    it('picks up updates and counts a row updated twice once', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      await db.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id IN (10, 20, 30)`);
      const first = await ingest(db.pool, ch, { log: quietLog });
      await db.pool.query(`UPDATE bookings SET total_price = total_price + 1 WHERE id = 10`);
      const second = await ingest(db.pool, ch, { log: quietLog });
      assert.equal(first.tables.bookings.rows, 3);
      assert.equal(second.tables.bookings.rows, 1);
      const result = await ch.query({
        query: `SELECT count() AS n, countIf(status = 'cancelled') AS cancelled,
                       (SELECT count() FROM bookings) AS stored FROM bookings FINAL`,
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ n: string; cancelled: string; stored: string }>();
      assert.equal(Number(row.n), 3000);
      assert.equal(Number(row.cancelled), 3);
      assert.ok(Number(row.stored) >= 3000, 'older versions may still be stored until a merge; FINAL shows each row once');
      const { rows } = await db.pool.query<{ total_price: string }>('SELECT total_price FROM bookings WHERE id = 10');
      const price = await ch.query({ query: 'SELECT toString(total_price) AS p FROM bookings FINAL WHERE id = 10', format: 'JSONEachRow' });
      assert.equal(Number((await price.json<{ p: string }>())[0].p), Number(rows[0].total_price));
    });

    it('leaves rows of a transaction still open for the next run', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      const writer = await db.pool.connect();
      try {
        await writer.query('BEGIN');
        await writer.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 40`);
        await new Promise((r) => setTimeout(r, 20));
        await db.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 41`);
        const during = await ingest(db.pool, ch, { log: quietLog });
        assert.equal(during.tables.bookings.rows, 0, 'the upper bound stops before the open transaction began');
        await writer.query('COMMIT');
      } finally {
        writer.release();
      }
      const afterCommit = await ingest(db.pool, ch, { log: quietLog });
      assert.equal(afterCommit.tables.bookings.rows, 2);
    });

    it('writes the same data whether ClickHouse pulls or this process copies', async () => {
      await db.pool.query(`UPDATE customer_group_profiles SET special_needs = ARRAY['wheelchair/ramp', 'niño "quoted"', E'back\\\\slash', E'tab\\there'],
                                  ages = ARRAY[80, 1] WHERE customer_id = 10`);
      await db.pool.query(`UPDATE itineraries SET themes = ARRAY['food & wine', 'a/b', 'ü'], active = false WHERE id = 3`);
      await db.pool.query('DELETE FROM bookings WHERE id = 15');
      const prints: Record<string, Record<string, string>> = {};
      for (const path of ['pull', 'copy'] as const) {
        await useClickHouseDatabase(ch, warehouse(`same_${path}`));
        await migrateWarehouse(ch, quietLog);
        const report = await ingest(db.pool, ch, { log: quietLog, batchRows: 700, path });
        assert.equal(report.path, path);
        prints[path] = await fingerprint(ch);
      }
      assert.deepEqual(prints.pull, prints.copy);
      const profile = await ch.query({ query: 'SELECT special_needs, ages FROM customer_group_profiles FINAL WHERE customer_id = 10', format: 'JSONEachRow' });
      assert.deepEqual(await profile.json(), [{ special_needs: ['wheelchair/ramp', 'niño "quoted"', 'back\\slash', 'tab\there'], ages: [80, 1] }]);
    });

    it('pulls the tables the pool sees through its search_path, not those of public', async () => {
      await db.pool.query(`CREATE SCHEMA elsewhere; CREATE TABLE elsewhere.destinations (LIKE public.destinations INCLUDING ALL);
                           INSERT INTO elsewhere.destinations SELECT * FROM public.destinations WHERE id = 1`);
      const elsewhere = new pg.Pool({ connectionString: db.url, options: '-c TimeZone=UTC -c search_path=elsewhere,public', max: 2 });
      try {
        await useClickHouseDatabase(ch, warehouse('elsewhere'));
        await migrateWarehouse(ch, quietLog);
        const report = await ingest(elsewhere, ch, { log: quietLog, tables: ['destinations'], path: 'pull' });
        assert.equal(report.tables.destinations.rows, 1);
        assert.equal(await finalCount(ch, 'destinations'), 1);
      } finally {
        await elsewhere.end();
        await db.pool.query('DROP SCHEMA elsewhere CASCADE');
      }
    });

    it('copies the audit log, which only grows, to ClickHouse', async () => {
      await useClickHouseDatabase(ch, warehouse('clean'));
      await appendAudit(db.pool, { ...pipelineActor('ingest-test'), requestId: 'req-1' }, {
        action: 'guardrail.set',
        target: 'guardrail:cusco/luxury',
        after: { floor: 0.1, note: 'tab\there' },
      });
      const report = await ingest(db.pool, ch, { log: quietLog });
      assert.equal(report.tables.audit_log?.rows, 1);
      for (const from of ['audit_log FINAL', 'audit_log_latest']) {
        const result = await ch.query({
          query: `SELECT actor, role, source, action, target, before, JSONExtractString(after, 'note') AS note, request_id,
                         created_at = updated_at AS unchanged FROM ${from}`,
          format: 'JSONEachRow',
        });
        assert.deepEqual(await result.json(), [
          { actor: 'pipeline:ingest-test', role: 'pipeline', source: 'pipeline', action: 'guardrail.set', target: 'guardrail:cusco/luxury', before: null, note: 'tab\there', request_id: 'req-1', unchanged: 1 },
        ], from);
      }
      const again = await ingest(db.pool, ch, { log: quietLog });
      assert.equal(again.tables.audit_log.rows, 0, 'an audit row is copied once');
    });
  });
}
