import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingestEvery } from './ingest-every.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';

describe('the ingest on a timer (npm start)', () => {
  let db: TestDatabase;
  const ch = async () => (await testClickHouse()).client;
  before(async () => {
    db = await bookingDatabase('ingest_every');
    await seedBookingSystem(db.pool, 50);
    await useClickHouseDatabase(await ch(), 'ingest_every');
    await migrateWarehouse(await ch(), quietLog);
  });
  after(async () => db?.drop());

  it('copies what changes while the process serves, and stops cleanly', async () => {
    const client = await ch();
    const timer = ingestEvery(db.pool, client, 200, quietLog);
    const partySize = async () => {
      const result = await client.query({ query: 'SELECT party_size FROM bookings FINAL WHERE id = 3', format: 'JSONEachRow' });
      return (await result.json<{ party_size: number }>())[0]?.party_size;
    };
    try {
      const { rows } = await db.pool.query<{ party_size: number }>('UPDATE bookings SET party_size = party_size + 1 WHERE id = 3 RETURNING party_size');
      const deadline = Date.now() + 60_000;
      while ((await partySize()) !== rows[0].party_size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await partySize(), rows[0].party_size, 'the change reached ClickHouse without anyone running spirit-ml ingest');
    } finally {
      await timer.stop();
    }
  });
});
