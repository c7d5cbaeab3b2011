import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingest, type IngestOptions } from './ingest.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';

/**
 * The ways a row used to be lost between the booking system and ClickHouse (issue #23), each played against a
 * real PostgreSQL and chDB: a late first write, a first load racing an open transaction, a writer that moves
 * updated_at backwards, tables whose updates never touched updated_at, and deletes.
 */
const ch = (await testClickHouse()).client;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rowsOf<T>(query: string): Promise<T[]> {
  const result = await ch.query({ query, format: 'JSONEachRow' });
  return result.json<T>();
}

/** Copies a booking as a new one (same quotation, customer, dates), returning the new id. */
const COPY_BOOKING = `INSERT INTO bookings (quotation_id, customer_id, itinerary_id, departure_id, destination_id, departure_date, party_size,
                                           status, channel, country, total_price, total_cost, booked_at, source)
                      SELECT quotation_id, customer_id, itinerary_id, departure_id, destination_id, departure_date, party_size,
                             status, channel, country, total_price, total_cost, booked_at, 'app'
                        FROM bookings WHERE id = $1 RETURNING id`;

for (const path of ['pull', 'copy'] as const) describe(`ingest loses no committed change (${path} path)`, () => {
  let db: TestDatabase;
  const run = async (extra: Partial<IngestOptions> = {}) => {
    const report = await ingest(db.pool, ch, { log: quietLog, batchRows: 500, path, ...extra });
    assert.equal(report.path, path);
    return report;
  };
  const warehouse = async (name: string) => {
    await useClickHouseDatabase(ch, `ingest_loss_${path}_${name}`);
    await migrateWarehouse(ch, quietLog);
  };

  before(async () => {
    db = await bookingDatabase('ingest_loss');
    await seedBookingSystem(db.pool, 300);
  });
  after(async () => db?.drop());

  it('A: a transaction that waits longer than the lag before its first insert still gets its row copied', async () => {
    await warehouse('a');
    await run();
    const late = await db.pool.connect();
    let id: string;
    try {
      await late.query('BEGIN');
      await late.query('SELECT 1');
      await pause(1200);
      // Someone else's change, committed while the late transaction idles, moves the ingest along.
      await db.pool.query('UPDATE bookings SET party_size = party_size + 1 WHERE id = 7');
      await pause(1200);
      await run();
      ({ rows: [{ id }] } = await late.query<{ id: string }>(COPY_BOOKING, [1]));
      await late.query('COMMIT');
    } finally {
      late.release();
    }
    await pause(1200);
    await run();
    const copied = await rowsOf<{ n: string }>(`SELECT count() AS n FROM bookings FINAL WHERE id = ${Number(id)}`);
    assert.equal(Number(copied[0].n), 1, 'the late transaction’s booking reached ClickHouse');
  });

  it('B: rows written by a transaction still open during the first load arrive once it commits', async () => {
    await warehouse('b');
    const writer = await db.pool.connect();
    let id: string;
    try {
      await writer.query('BEGIN');
      ({ rows: [{ id }] } = await writer.query<{ id: string }>(COPY_BOOKING, [2]));
      await writer.query("UPDATE payments SET status = 'refunded' WHERE booking_id = 2");
      await pause(50);
      const first = await run();
      assert.ok(first.rows > 0, 'the first load copied the committed rows');
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    await run();
    const booking = await rowsOf<{ n: string }>(`SELECT count() AS n FROM bookings FINAL WHERE id = ${Number(id)}`);
    assert.equal(Number(booking[0].n), 1, 'the booking inserted by the open transaction arrived');
    const payment = await rowsOf<{ status: string }>('SELECT status FROM payments FINAL WHERE booking_id = 2');
    assert.deepEqual(payment, [{ status: 'refunded' }], 'the update made by the open transaction arrived');
  });

  it('C: an update that sets updated_at backwards still reaches ClickHouse', async () => {
    await warehouse('c');
    await run();
    await db.pool.query(`UPDATE bookings SET total_price = 4242.42, updated_at = updated_at - interval '1 day' WHERE id = 5`);
    await run();
    const price = await rowsOf<{ p: string }>('SELECT toString(total_price) AS p FROM bookings FINAL WHERE id = 5');
    assert.deepEqual(price, [{ p: '4242.42' }]);
  });

  it('E: updates of booking_status_history and quotation_versions propagate', async () => {
    await warehouse('e');
    await run();
    await db.pool.query(`UPDATE booking_status_history SET reason = 'customer asked' WHERE id = 3`);
    await db.pool.query(`UPDATE quotation_versions SET change_reason = 'repriced' WHERE quotation_id = 3 AND version = 1`);
    await run();
    assert.deepEqual(await rowsOf('SELECT reason FROM booking_status_history FINAL WHERE id = 3'), [{ reason: 'customer asked' }]);
    assert.deepEqual(await rowsOf('SELECT change_reason FROM quotation_versions FINAL WHERE quotation_id = 3 AND version = 1'), [{ change_reason: 'repriced' }]);
  });

  it('a transaction left open in another database of the server does not hold the ingest back', async () => {
    await warehouse('other_db');
    await run();
    const other = await freshDatabase(await embeddedPostgresUrl(), 'ingest_loss_other');
    const idle = await other.pool.connect();
    try {
      await idle.query('BEGIN');
      await idle.query('SELECT pg_current_xact_id()');
      await db.pool.query('UPDATE bookings SET party_size = party_size + 1 WHERE id = 11');
      await run();
      const { rows } = await db.pool.query<{ party_size: number }>('SELECT party_size FROM bookings WHERE id = 11');
      assert.deepEqual(await rowsOf('SELECT party_size FROM bookings FINAL WHERE id = 11'), [{ party_size: rows[0].party_size }]);
      await idle.query('ROLLBACK');
    } finally {
      idle.release();
      await other.drop();
    }
  });

  it('a DELETE reaches ClickHouse as an is_deleted version that FINAL and the _latest views drop', async () => {
    await warehouse('delete');
    await run();
    const before = await rowsOf<{ n: string }>('SELECT count() AS n FROM payments FINAL WHERE booking_id = 9');
    assert.equal(Number(before[0].n), 1, 'the payment was copied before the delete');
    // Cascades to the booking's status history, payment and rating: each of those deletes must travel too.
    await db.pool.query('DELETE FROM bookings WHERE id = 9');
    await db.pool.query('DELETE FROM customers WHERE id = 499');
    await run();
    for (const [table, where] of [
      ['bookings', 'id = 9'],
      ['payments', 'booking_id = 9'],
      ['booking_status_history', 'booking_id = 9'],
      ['customers', 'id = 499'],
      ['customer_group_profiles', 'customer_id = 499'],
    ] as const) {
      assert.equal(Number((await rowsOf<{ n: string }>(`SELECT count() AS n FROM ${table} FINAL WHERE ${where}`))[0].n), 0, `${table} FINAL drops the deleted row`);
      assert.equal(Number((await rowsOf<{ n: string }>(`SELECT count() AS n FROM ${table}_latest WHERE ${where}`))[0].n), 0, `${table}_latest drops the deleted row`);
      const stored = await rowsOf<{ deleted: string }>(`SELECT countIf(is_deleted = 1) AS deleted FROM ${table} WHERE ${where}`);
      assert.equal(Number(stored[0].deleted), 1, `${table} holds the delete as an is_deleted version`);
    }
    const others = await rowsOf<{ n: string }>('SELECT count() AS n FROM bookings FINAL');
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM bookings');
    assert.equal(Number(others[0].n), Number(rows[0].n), 'every other booking is still there');
  });

  it('forgets a tombstone only once it is copied and older than the grace period', async () => {
    await warehouse('tombstones');
    await run();
    const tombstones = async () => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ingest_deletions WHERE table_name = 'ratings'`)).rows[0].n);
    const { rows: ratings } = await db.pool.query<{ id: string }>('SELECT id FROM ratings ORDER BY id LIMIT 2');
    await db.pool.query('DELETE FROM ratings WHERE id = $1', [ratings[0].id]);
    // Copied, but within the grace period: kept for another warehouse.
    assert.equal((await run({ keepTombstonesDays: 7 })).tombstonesForgotten, 0);
    const copied = await tombstones();
    assert.ok(copied >= 1);
    // A delete still uncommitted while the run copies: its tombstone is not in ClickHouse yet and must survive.
    const open = await db.pool.connect();
    try {
      await open.query('BEGIN');
      await open.query('DELETE FROM ratings WHERE id = $1', [ratings[1].id]);
      const report = await run({ keepTombstonesDays: 0 });
      assert.ok(report.tombstonesForgotten >= copied, 'the copied tombstones go once the grace period is 0');
      await open.query('COMMIT');
    } finally {
      open.release();
    }
    assert.equal(await tombstones(), 1, 'the tombstone committed after the run waits for the next one');
    await run({ keepTombstonesDays: 0 });
    assert.equal(await tombstones(), 0);
    const deleted = await rowsOf<{ n: string }>(`SELECT count() AS n FROM ratings FINAL WHERE id IN (${ratings.map((r) => r.id).join(', ')})`);
    assert.equal(Number(deleted[0].n), 0, 'both deletes reached ClickHouse before their tombstones went');
  });
});
