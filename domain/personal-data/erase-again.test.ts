import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cliActor } from '../../platform/audit-log.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { eraseCustomer } from './erase-customer.ts';

/**
 * An erasure asked again after it completed checks the warehouse once more: a personal value that came back there
 * (left by an ingest that raced an erasure before they were serialised, a rebuild, a restored backup) is rewritten
 * instead of answered with `already_erased` and left.
 */
const ch = (await testClickHouse()).client;

async function rowsOf<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  return (await ch.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();
}

describe('erasing a customer again', () => {
  let db: TestDatabase;

  before(async () => {
    db = await bookingDatabase('erase_again');
    await seedBookingSystem(db.pool, 50);
    await useClickHouseDatabase(ch, 'erase_again');
    await migrateWarehouse(ch, quietLog);
    await ingest(db.pool, ch, { log: quietLog, path: 'copy' });
  });
  after(async () => db?.drop());

  it('rewrites a personal version that came back to the warehouse, and records nothing new in the booking system', async () => {
    const customerId = 12;
    const [before] = await rowsOf<Record<string, unknown>>('SELECT * FROM customers FINAL WHERE id = {id:UInt64}', { id: customerId });
    const first = await eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId, reason: 'ticket 6001', actor: cliActor('admin') }, { log: quietLog });
    assert.equal(first.status, 'erased');

    // The version an ingest read before the erasure, inserted after its rewrite, as the newest.
    await ch.insert({ table: 'customers', values: [{ ...before, change_xid: String(BigInt(before.change_xid as string) + 1_000_000n) }], format: 'JSONEachRow' });
    const again = await eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId, reason: 'ticket 6001', actor: cliActor('admin') }, { log: quietLog });
    assert.equal(again.status, 'already_erased');
    assert.deepEqual(again.touched, first.touched, 'the first erasure’s record');
    assert.deepEqual(again.reapplied, { 'clickhouse.customers': 1 });
    const left = await rowsOf<{ n: string }>('SELECT count() AS n FROM customers WHERE email = {email:String}', { email: before.email });
    assert.equal(Number(left[0].n), 0, 'the e-mail is gone from every version');

    const third = await eraseCustomer({ pg: db.pool, clickhouse: ch }, { customerId, reason: 'ticket 6001', actor: cliActor('admin') }, { log: quietLog });
    assert.equal(third.status, 'already_erased');
    assert.equal(third.reapplied, undefined, 'nothing found the third time');
    const { rows } = await db.pool.query(`SELECT phase FROM customer_erasures WHERE customer_id = $1 ORDER BY id`, [customerId]);
    assert.deepEqual(rows.map((r) => r.phase), ['started', 'completed']);
  });
});
