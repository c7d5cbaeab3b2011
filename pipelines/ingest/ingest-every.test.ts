import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createLogger } from '../../platform/log.ts';
import { requestStop } from '../../platform/stopping.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingestEvery } from './ingest-every.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { endLockWaiters } from '../../test/support/lock-waiters.ts';

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
      // And the marts were rebuilt with it, not 15 minutes later: the booking's party counts in the daily mart.
      const inMart = async () => {
        const result = await client.query({ query: 'SELECT sum(travellers_booked) AS n FROM mart_destination_daily', format: 'JSONEachRow' });
        return Number((await result.json<{ n: string }>())[0].n);
      };
      const travellers = async () => Number((await db.pool.query<{ n: string }>('SELECT sum(party_size) AS n FROM bookings')).rows[0].n);
      while ((await inMart()) !== (await travellers()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(await inMart(), await travellers());
    } finally {
      await timer.stop();
    }
  });

  /** Runs the timer until a run waits on a lock held on bookings, terminates that wait, and returns the failure lines. */
  async function runCutShort(): Promise<Array<{ level: string; msg: string }>> {
    const lines: string[] = [];
    const log = createLogger('debug', {}, (line) => lines.push(line));
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    await db.pool.query('UPDATE bookings SET party_size = party_size + 1 WHERE id = 4');
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE bookings IN ACCESS EXCLUSIVE MODE');
    const timer = ingestEvery(db.pool, await ch(), 50, log);
    try {
      const ended = await endLockWaiters(locker);
      assert.ok(ended.length > 0, 'a scheduled run waits on the lock');
      await locker.query('ROLLBACK');
      for (let wait = 0; wait < 100 && !lines.some((l) => l.includes('scheduled ingest failed')); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
      // Past the grace a failure is given to learn whether a stop was asked for.
      await new Promise((resolve) => setTimeout(resolve, 400));
    } finally {
      await timer.stop();
      await locker.end().catch(() => undefined);
    }
    return lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((l) => l.msg.startsWith('scheduled ingest failed'));
  }

  it('warns when a run fails while the process serves', async () => {
    const logged = await runCutShort();
    assert.ok(logged.some((l) => l.level === 'warn'), JSON.stringify(logged));
  });

  it('logs a run cut short after a stop was asked for as part of stopping, not as a warning (Ctrl+C on npm start)', async () => {
    requestStop();
    const logged = await runCutShort();
    assert.ok(logged.length > 0, 'the run failed');
    assert.deepEqual(logged.filter((l) => l.level === 'warn'), []);
  });
});
