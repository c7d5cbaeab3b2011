import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createLogger } from '../../platform/log.ts';
import { requestStop } from '../../platform/stopping.ts';
import { embeddedPostgresUrl, freshDatabase, type TestDatabase } from '../../test/support/services.ts';
import { endLockWaiters } from '../../test/support/lock-waiters.ts';
import { PersonalisationConsent } from './personalisation-consent.ts';

/**
 * A consent poll cut short by a lost connection: a warning while the API runs, part of stopping once a stop was
 * asked for (Ctrl+C stops an embedded PostgreSQL at the same moment as the API; `npm start` must stop without
 * warnings). The poll is held on a lock and its backend terminated, as PostgreSQL's fast shutdown does.
 */
describe('personalisation consent polling', () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'consent');
    await db.pool.query('CREATE TABLE customers (id bigint PRIMARY KEY, erased_at timestamptz, consent_personalisation boolean NOT NULL DEFAULT true)');
    await db.pool.query('INSERT INTO customers (id, consent_personalisation) VALUES (1, true), (2, false)');
  });
  after(async () => db?.drop());

  /** Starts polling, holds one poll on a lock, terminates its backend, and returns what was logged meanwhile. */
  async function pollCutShort(): Promise<Array<{ level: string; msg: string }>> {
    const lines: string[] = [];
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    pool.on('error', () => undefined);
    const consent = new PersonalisationConsent(pool, createLogger('debug', {}, (line) => lines.push(line)));
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await consent.start(20);
      assert.equal(consent.allows(2), false, 'the first poll read the set');
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE customers IN ACCESS EXCLUSIVE MODE');
      const ended = await endLockWaiters(locker, { queryPrefix: 'SELECT id FROM customers', timeoutMs: 2000 });
      assert.ok(ended.length > 0, 'a poll waits on the lock');
      await locker.query('ROLLBACK');
      // Past the grace a connection loss is given to learn whether a stop was asked for.
      await new Promise((resolve) => setTimeout(resolve, 400));
      consent.close();
      return lines.map((line) => JSON.parse(line) as { level: string; msg: string }).filter((l) => /personalisation consent/.test(l.msg));
    } finally {
      await locker.end().catch(() => undefined);
      await pool.end();
    }
  }

  it('warns when a poll is cut short while the API runs, and keeps the last set', async () => {
    const logged = await pollCutShort();
    assert.ok(logged.some((l) => l.level === 'warn'), JSON.stringify(logged));
  });

  it('logs a poll cut short after a stop was asked for as part of stopping, not as a warning', async () => {
    requestStop();
    const logged = await pollCutShort();
    assert.deepEqual(logged.filter((l) => l.level === 'warn'), []);
    assert.ok(logged.some((l) => l.level === 'debug' && l.msg.includes('(while stopping)')), JSON.stringify(logged));
  });
});
