import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { cliActor } from '../../platform/audit-log.ts';
import { createLogger } from '../../platform/log.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { holdErasuresBack } from '../../platform/copies-under-way.ts';
import { eraseCustomer, type ErasureResult } from './erase-customer.ts';
import { ERASED_NAME } from './personal-data-map.ts';

/**
 * An erasure that commits while an ingest is copying the customers: the ingest inserts a batch it read before the
 * erasure, with the real name and e-mail. The erasure's warehouse rewrite must come after that insert, not before.
 */
const ch = (await testClickHouse()).client;

async function rowsOf<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

/** Resolves once a backend of this database waits on an advisory lock (the erasure waiting for the ingest). */
async function someoneWaitsForALock(pool: pg.Pool): Promise<void> {
  for (;;) {
    const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const actor = cliActor('admin');

describe('erasing a customer while an ingest copies them', () => {
  let db: TestDatabase;

  before(async () => {
    db = await bookingDatabase('erasure_during_ingest');
    await seedBookingSystem(db.pool, 100);
  });
  after(async () => db?.drop());

  it('leaves no personal value in the warehouse when the erasure commits between two batches of customers', async () => {
    await useClickHouseDatabase(ch, 'erasure_during_ingest');
    await migrateWarehouse(ch, quietLog);
    let erasure: Promise<ErasureResult> | undefined;
    let chosen: { id: number; email: string } | undefined;
    await ingest(db.pool, ch, {
      log: quietLog,
      path: 'copy',
      batchRows: 100,
      afterBatch: async (table, batch) => {
        if (table !== 'customers' || batch !== 1) return;
        // A customer the ingest has read (its COPY's snapshot is older than the erasure) but not inserted yet.
        const copied = (await rowsOf<{ id: string }>('SELECT id FROM customers')).map((r) => Number(r.id));
        const { rows } = await db.pool.query<{ id: string; email: string }>(
          'SELECT id, email FROM customers WHERE email IS NOT NULL AND NOT id = ANY($1::bigint[]) ORDER BY id DESC LIMIT 1',
          [copied],
        );
        chosen = { id: Number(rows[0].id), email: rows[0].email };
        erasure = eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId: chosen.id, reason: 'ticket 5120', actor }, { log: quietLog });
        // The review's reproduction awaited the erasure here; now it waits for this ingest, which must go on.
        await Promise.race([erasure, someoneWaitsForALock(db.pool)]);
      },
    });
    assert.ok(erasure && chosen, 'the hook erased a customer');
    const result = await erasure;
    assert.equal(result.status, 'erased');

    const live = await rowsOf<{ name: string; email: string | null }>('SELECT name, email FROM customers_latest WHERE id = {id:UInt64}', { id: chosen.id });
    assert.deepEqual(live, [{ name: ERASED_NAME, email: null }], 'the live row is the erased one');
    const anywhere = `SELECT count() AS n FROM customers WHERE email = {email:String} OR position(formatRow('TabSeparated', *), {email:String}) > 0`;
    assert.equal(Number((await rowsOf<{ n: string }>(anywhere, { email: chosen.email }))[0].n), 0, 'no version of the row keeps the e-mail');
    await ingest(db.pool, ch, { log: quietLog, path: 'copy' });
    assert.equal(Number((await rowsOf<{ n: string }>(anywhere, { email: chosen.email }))[0].n), 0, 'nor after the next ingest');
  });

  it('waits a bounded time for an ingest under way, says so, and resumes when asked again', async () => {
    await useClickHouseDatabase(ch, 'erasure_during_ingest');
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM customers WHERE erased_at IS NULL AND email IS NOT NULL ORDER BY id LIMIT 1');
    const customerId = Number(rows[0].id);
    const heard: string[] = [];
    const log = createLogger('warn', {}, (line) => heard.push(line), 'json');
    const running = await holdErasuresBack(db.pool, quietLog);
    try {
      await assert.rejects(eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId, reason: 'ticket 5121', actor }, { waitForIngestMs: 300, log }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'store_unavailable');
        assert.match(err.message, /erased in the booking system, but an ingest .* is still copying .* erase again once it has finished/);
        return true;
      });
    } finally {
      await running.release();
    }
    assert.equal(heard.length, 1);
    assert.match(heard[0], /erasure waits for the ingest under way/);
    assert.match(heard[0], /"pid":\d+/);
    const phases = async () => (await db.pool.query(`SELECT phase FROM customer_erasures WHERE customer_id = $1 ORDER BY id`, [customerId])).rows.map((r) => r.phase);
    assert.deepEqual(await phases(), ['started']);

    const resumed = await eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId, reason: 'ticket 5121', actor }, { waitForIngestMs: 300, log });
    assert.equal(resumed.status, 'erased');
    assert.deepEqual(await phases(), ['started', 'completed']);
    assert.equal(heard.length, 1, 'nothing to wait for the second time');
  });

  it('is not held back by an ingest whose connection died (a killed process)', async () => {
    await useClickHouseDatabase(ch, 'erasure_during_ingest');
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM customers WHERE erased_at IS NULL AND email IS NOT NULL ORDER BY id LIMIT 1');
    const running = await holdErasuresBack(db.pool, quietLog);
    try {
      await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'spirit-ml ingest'`);
      const result = await eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId: Number(rows[0].id), reason: 'ticket 5122', actor }, { waitForIngestMs: 5_000, log: quietLog });
      assert.equal(result.status, 'erased');
    } finally {
      await running.release();
    }
  });
});
