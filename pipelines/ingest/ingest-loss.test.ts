import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingest, IngestIncomplete, type IngestOptions } from './ingest.ts';
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

  it('a row put back from a backup with its old change_xid is refused, naming the column; put back without it, it arrives', async () => {
    await warehouse('restore');
    const backup = `payments_backup_${path}`;
    await db.pool.query(`CREATE TABLE ${backup} AS SELECT * FROM payments WHERE id = 7`);
    await db.pool.query('DELETE FROM payments WHERE id = 7');
    await run();
    assert.deepEqual(await rowsOf('SELECT id FROM payments FINAL WHERE id = 7'), []);
    await assert.rejects(db.pool.query(`INSERT INTO payments SELECT * FROM ${backup}`), /payments\.change_xid is set by the database/);
    const { rows } = await db.pool.query<{ columns: string }>(
      `SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS columns FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'payments' AND column_name <> 'change_xid'`,
    );
    await db.pool.query(`INSERT INTO payments (${rows[0].columns}) SELECT ${rows[0].columns} FROM ${backup}`);
    await run();
    assert.deepEqual(await rowsOf('SELECT toString(id) AS copied FROM payments FINAL WHERE payments.id = 7'), [{ copied: '7' }]);
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

  it('a value ClickHouse cannot store stops only its own table, names its row, and the table catches up once it is corrected', async () => {
    await warehouse('unstorable');
    await run();
    const { rows: [payment] } = await db.pool.query<{ id: string; amount: string }>('SELECT id, amount::text FROM payments ORDER BY id LIMIT 1');
    await db.pool.query(`UPDATE payments SET amount = 'NaN' WHERE id = $1`, [payment.id]);
    await db.pool.query('UPDATE ratings SET score = 5 WHERE id = (SELECT min(id) FROM ratings)');
    const failure = await run().then(
      () => assert.fail('the ingest reported success'),
      (err: unknown) => err,
    );
    assert.ok(failure instanceof IngestIncomplete, String(failure));
    assert.match(failure.message, new RegExp(`payments\\.amount is NaN at id "?${payment.id}"?`));
    assert.deepEqual(Object.keys(failure.report.failed ?? {}), ['payments']);
    assert.ok(failure.report.tables.ratings, 'the other tables were copied');
    const rated = await rowsOf<{ score: number }>('SELECT score FROM ratings FINAL ORDER BY id LIMIT 1');
    assert.equal(Number(rated[0].score), 5, 'the rating changed in the same run reached ClickHouse');
    await db.pool.query('UPDATE payments SET amount = $2 WHERE id = $1', [payment.id, payment.amount]);
    await run();
    const copied = await rowsOf<{ amount: string }>(`SELECT toString(amount) AS amount FROM payments FINAL WHERE id = ${Number(payment.id)}`);
    assert.equal(Number(copied[0].amount), Number(payment.amount));
  });

  it('an array holding a NULL element arrives as the same JSON text and the same array on both paths', async () => {
    await warehouse('null_elements');
    const { rows: [itinerary] } = await db.pool.query<{ id: string }>(
      `UPDATE itineraries SET themes = ARRAY['culture', NULL, 'trek'] WHERE id = (SELECT min(id) FROM itineraries) RETURNING id`,
    );
    const { rows: [profile] } = await db.pool.query<{ customer_id: string }>(
      `UPDATE customer_group_profiles SET ages = ARRAY[34, NULL]::smallint[], special_needs = ARRAY[NULL]::text[]
        WHERE customer_id = (SELECT min(customer_id) FROM customer_group_profiles) RETURNING customer_id`,
    );
    await run();
    const [themes] = await rowsOf<{ themes_json: string; themes: string[] }>(
      `SELECT themes_json, themes FROM itineraries FINAL WHERE id = ${Number(itinerary.id)}`,
    );
    // ClickHouse's arrays hold no NULL: the element is the type's default, and the JSON text says so too.
    assert.deepEqual(JSON.parse(themes.themes_json), ['culture', '', 'trek']);
    assert.deepEqual(themes.themes, ['culture', '', 'trek']);
    const [group] = await rowsOf<{ ages_json: string; special_needs_json: string; ages: number[] }>(
      `SELECT ages_json, special_needs_json, ages FROM customer_group_profiles FINAL WHERE customer_id = ${Number(profile.customer_id)}`,
    );
    assert.deepEqual(JSON.parse(group.ages_json), [34, 0]);
    assert.deepEqual(group.ages.map(Number), [34, 0]);
    assert.deepEqual(JSON.parse(group.special_needs_json), ['']);
  });

  it('a key changed in imports, import_rejects or chat_sessions leaves no old key behind, nor a reject moved to another import', async () => {
    await warehouse('keys');
    const { rows: imports } = await db.pool.query<{ id: string }>(
      `INSERT INTO imports (kind, file_name, file_sha256, mapping) VALUES ('bookings', 'a.csv', 'x', '{}'), ('bookings', 'b.csv', 'y', '{}') RETURNING id`,
    );
    const { rows: rejects } = await db.pool.query<{ id: string }>(
      `INSERT INTO import_rejects (import_id, line_number, reason, raw_line) VALUES ($1, 1, 'bad', 'l1'), ($1, 2, 'bad', 'l2') RETURNING id`,
      [imports[0].id],
    );
    await db.pool.query(`INSERT INTO chat_sessions (session_hash) VALUES (repeat('b', 64))`);
    await run();
    await db.pool.query('UPDATE imports SET id = id + 1000 WHERE id = $1', [imports[1].id]);
    await db.pool.query('UPDATE import_rejects SET id = id + 1000 WHERE id = $1', [rejects[0].id]);
    await db.pool.query('UPDATE import_rejects SET import_id = $2 WHERE id = $1', [rejects[1].id, imports[0].id]);
    await db.pool.query('UPDATE import_rejects SET import_id = $2 WHERE id = $1', [rejects[1].id, Number(imports[1].id) + 1000]);
    await db.pool.query(`UPDATE chat_sessions SET id = DEFAULT WHERE session_hash = repeat('b', 64)`);
    await run();
    for (const table of ['imports', 'import_rejects', 'chat_sessions']) {
      const { rows } = await db.pool.query<{ ids: string[] }>(`SELECT coalesce(array_agg(id::text ORDER BY id), '{}') AS ids FROM ${table}`);
      const live = await rowsOf<{ key: string }>(`SELECT toString(id) AS key FROM ${table} FINAL ORDER BY id`);
      assert.deepEqual(live.map((r) => r.key), rows[0].ids, `${table} in ClickHouse holds exactly PostgreSQL's keys`);
    }
  });

  it('TRUNCATE of a table the ingest copies is refused, since it leaves no tombstone', async () => {
    for (const table of ['payments', 'customer_group_profiles', 'import_rejects', 'chat_messages', 'suggestion_decisions', 'ingest_deletions']) {
      await assert.rejects(db.pool.query(`TRUNCATE ${table} CASCADE`), /would never reach the warehouse: DELETE the rows instead/, table);
    }
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
