import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { ClickHouseClient } from '@clickhouse/client';
import { loadConfig } from '../../platform/config.ts';
import { openPostgres, type PostgresHandle } from '../../platform/postgres.ts';
import { migrate } from '../../domain/migrate.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingest } from './ingest.ts';
import { readWatermarks } from './watermark.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { freePort } from '../../test/support/free-port.ts';
import { freshDatabase, MACHINE_PG_URL, quietLog, serviceSkipReason, tempDir, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';

/**
 * A booking system restored onto another PostgreSQL cluster keeps its rows' transaction ids (change_xid) while the
 * new cluster numbers its own from where it stands: the ingest must refuse to continue the copies from their old
 * watermarks (it used to copy nothing, move the watermark back and report success) and `--full` must rebuild them.
 */
const ch = (await testClickHouse()).client;

async function rowsOf<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

async function positions(client: ClickHouseClient): Promise<string> {
  const rows = await rowsOf<Record<string, string>>(client, 'SELECT table_name, toString(change_xid) AS x, row_key FROM ingest_positions FINAL ORDER BY table_name');
  return JSON.stringify(rows);
}

/** A watermark as another run, an older release or another cluster left it. */
async function writePosition(client: ClickHouseClient, table: string, changeXid: string, sourceCluster: string): Promise<void> {
  const [mark] = await rowsOf<{ row_key: string; rows_total: string }>(client, `SELECT row_key, rows_total FROM ingest_positions FINAL WHERE table_name = '${table}'`);
  await client.insert({
    table: 'ingest_positions',
    values: [{ table_name: table, change_xid: changeXid, row_key: mark?.row_key ?? '[]', rows_total: mark?.rows_total ?? 0, run_id: 'planted', saved_at: Date.now() * 1000 + 999, source_cluster: sourceCluster }],
    format: 'JSONEachRow',
  });
}

describe('ingest from a booking system whose PostgreSQL changed under the warehouse', () => {
  let db: TestDatabase;
  const warehouse = async (name: string) => {
    await useClickHouseDatabase(ch, `ingest_restore_${name}`);
    await migrateWarehouse(ch, quietLog);
    await ingest(db.pool, ch, { log: quietLog, path: 'copy' });
  };
  const identity = async () => (await db.pool.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0].id;
  const horizon = async () => (await db.pool.query<{ h: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS h')).rows[0].h;

  before(async () => {
    db = await bookingDatabase('ingest_restore');
    await seedBookingSystem(db.pool, 200);
  });
  after(async () => db?.drop());

  it('records the cluster with every watermark', async () => {
    await warehouse('records');
    const marks = [...(await readWatermarks(ch)).values()];
    assert.ok(marks.length > 10);
    assert.deepEqual([...new Set(marks.map((m) => m.sourceCluster))], [await identity()]);
  });

  it('refuses watermarks another cluster saved, copying nothing and moving no watermark', async () => {
    await warehouse('other_cluster');
    const mark = (await readWatermarks(ch)).get('bookings')!;
    await writePosition(ch, 'bookings', mark.changeXid, '6999999999999999999');
    await db.pool.query('UPDATE bookings SET total_price = total_price + 1 WHERE id = 1');
    const before = await positions(ch);
    await assert.rejects(ingest(db.pool, ch, { log: quietLog, path: 'copy' }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ingest_source_changed');
      assert.match(err.message, /bookings: copied from PostgreSQL cluster 6999999999999999999, not from this one/);
      assert.match(err.message, /spirit-ml ingest --full/);
      return true;
    });
    assert.equal(await positions(ch), before);
  });

  it('refuses a watermark past this cluster’s horizon (transaction ids went back), also one saved before clusters were recorded', async () => {
    await warehouse('went_back');
    await writePosition(ch, 'payments', (BigInt(await horizon()) + 10_000n).toString(), '');
    const before = await positions(ch);
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /payments: copied up to transaction \d+, but this PostgreSQL has not reached it .*went back/);
    assert.equal(await positions(ch), before, 'no watermark moved back');
  });

  it('refuses copies holding versions past the horizon when their watermark was reset or never recorded its cluster', async () => {
    await warehouse('ahead');
    const [row] = await rowsOf<Record<string, unknown>>(ch, 'SELECT * FROM customers FINAL WHERE id = 3');
    await ch.insert({ table: 'customers', values: [{ ...row, name: 'from the old cluster', change_xid: (BigInt(await horizon()) + 10_000n).toString() }], format: 'JSONEachRow' });
    const mark = (await readWatermarks(ch)).get('customers')!;
    await writePosition(ch, 'customers', mark.changeXid, '');
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /customers: holds versions up to transaction \d+, but this PostgreSQL has not reached it/);
  });

  it('lets a warehouse saved before clusters were recorded adopt this cluster when nothing is ahead of it', async () => {
    await warehouse('adopts');
    for (const [table, mark] of await readWatermarks(ch)) await writePosition(ch, table, mark.changeXid, '');
    await db.pool.query('UPDATE bookings SET total_price = total_price + 1 WHERE id = 2');
    const report = await ingest(db.pool, ch, { log: quietLog });
    assert.equal(report.tables.bookings.rows, 1);
    assert.deepEqual([...new Set([...(await readWatermarks(ch)).values()].map((m) => m.sourceCluster))], [await identity()]);
  });

  it('rebuilds with --full the copies another cluster filled, so that this cluster’s rows win', async () => {
    await warehouse('rebuild');
    const [row] = await rowsOf<Record<string, unknown>>(ch, 'SELECT * FROM bookings FINAL WHERE id = 5');
    await ch.insert({ table: 'bookings', values: [{ ...row, total_price: 99999, change_xid: (BigInt(await horizon()) + 10_000n).toString() }], format: 'JSONEachRow' });
    const mark = (await readWatermarks(ch)).get('bookings')!;
    await writePosition(ch, 'bookings', mark.changeXid, '6999999999999999999');
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /ingest --full/);
    await ingest(db.pool, ch, { log: quietLog, full: true });
    const [copied] = await rowsOf<{ p: string }>(ch, 'SELECT toString(total_price) AS p FROM bookings FINAL WHERE id = 5');
    const { rows } = await db.pool.query<{ p: string }>('SELECT total_price::text AS p FROM bookings WHERE id = 5');
    assert.equal(Number(copied.p), Number(rows[0].p), 'the rebuilt copy holds this cluster’s row, not the old version');
    const [{ n }] = await rowsOf<{ n: string }>(ch, 'SELECT count() AS n FROM bookings');
    assert.equal(Number(n), 200, 'the old versions are gone');
    const again = await ingest(db.pool, ch, { log: quietLog });
    assert.equal(again.rows, 0);
  });
});

/**
 * The review's case itself: pg_dump of a booking system on one cluster (the machine's, whose transaction ids are
 * far along), restored onto a fresh cluster (whose ids start low), an update made there, then the ingest.
 */
const machineSkip = await serviceSkipReason('PostgreSQL (machine server)', MACHINE_PG_URL);
describe('ingest after the booking system was restored onto a fresh cluster', { skip: machineSkip }, () => {
  let source: TestDatabase;
  let fresh: PostgresHandle;
  let restored: TestDatabase;

  before(async () => {
    source = await freshDatabase(MACHINE_PG_URL, 'restore_source');
    await migrate(source.pool, quietLog);
    await seedBookingSystem(source.pool, 200);
    fresh = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: tempDir('restored-pg'), EMBEDDED_PG_PORT: String(await freePort()) }), quietLog);
    restored = await freshDatabase(fresh.url, 'restored');
  });
  after(async () => {
    await restored?.drop();
    await fresh?.close();
    await source?.drop();
  });

  it('refuses to continue the old copies and rebuilds them with --full', async () => {
    await useClickHouseDatabase(ch, 'ingest_restore_real');
    await migrateWarehouse(ch, quietLog);
    await ingest(source.pool, ch, { log: quietLog });
    const saved = (await readWatermarks(ch)).get('bookings')!;

    const dump = execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-d', source.url], { maxBuffer: 256 * 1024 * 1024 });
    execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-1', '-d', restored.url], { input: dump, stdio: ['pipe', 'ignore', 'pipe'] });
    await restored.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 9`);
    const { rows } = await restored.pool.query<{ x: string }>('SELECT change_xid::text AS x FROM bookings WHERE id = 9');
    assert.ok(BigInt(rows[0].x) < BigInt(saved.changeXid), `the fresh cluster's update (${rows[0].x}) is below the old watermark (${saved.changeXid}), as after a real restore`);

    const before = await positions(ch);
    await assert.rejects(ingest(restored.pool, ch, { log: quietLog }), /not the one the warehouse's copies came from.*bookings: copied from PostgreSQL cluster \d+, not from this one/);
    assert.equal(await positions(ch), before, 'no watermark moved back');

    await ingest(restored.pool, ch, { log: quietLog, full: true });
    const [booking] = await rowsOf<{ status: string }>(ch, 'SELECT toString(status) AS status FROM bookings FINAL WHERE id = 9');
    assert.equal(booking.status, 'cancelled', 'the change made on the restored cluster reached the warehouse');
    await restored.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 10`);
    const next = await ingest(restored.pool, ch, { log: quietLog });
    assert.equal(next.tables.bookings.rows, 1, 'incremental runs continue on the restored cluster');
  });
});
