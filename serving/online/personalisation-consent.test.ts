import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import pg from 'pg';
import { createLogger } from '../../platform/log.ts';
import { requestStop } from '../../platform/stopping.ts';
import { embeddedPostgresUrl, freshDatabase, type TestDatabase } from '../../test/support/services.ts';
import { endLockWaiters } from '../../test/support/lock-waiters.ts';
import { freePort } from '../../test/support/free-port.ts';
import { openRelay, relayedUrl } from '../../test/support/tcp-relay.ts';
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

describe('personalisation consent before and during a read', () => {
  let db: TestDatabase;
  let relay: net.Server | undefined;
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'consent_read');
    await db.pool.query('CREATE TABLE customers (id bigint PRIMARY KEY, erased_at timestamptz, consent_personalisation boolean NOT NULL DEFAULT true)');
    await db.pool.query('INSERT INTO customers (id, consent_personalisation) VALUES (1, true), (2, false)');
  });
  after(async () => {
    relay?.close();
    await db?.drop();
  });

  it('personalises nobody until the set has been read once (PostgreSQL away at start)', async () => {
    // PostgreSQL behind a relay of the test, closed at start.
    const port = await freePort();
    const pool = new pg.Pool({ connectionString: relayedUrl(db.url, port), max: 1 });
    pool.on('error', () => undefined);
    const consent = new PersonalisationConsent(pool, createLogger('error'));
    try {
      await consent.start(3_600_000);
      assert.equal(consent.known, false);
      assert.equal(consent.allows(1), false, 'an erased customer might be anyone: nobody is personalised');
      relay = await openRelay(port, new URL(db.url));
      await consent.refresh();
      assert.deepEqual([consent.known, consent.allows(1), consent.allows(2)], [true, true, false]);
    } finally {
      consent.close();
      await pool.end();
    }
  });

  it('keeps a customer withheld through this process while a read that began before was running', async () => {
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    const held = new Proxy(db.pool, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (text: string, values?: unknown[]) => {
          const result = await target.query(text, values);
          await hold;
          return result;
        };
      },
    }) as pg.Pool;
    const consent = new PersonalisationConsent(held, createLogger('error'));
    const reading = consent.refresh(); // its answer, read now, does not have customer 1 withheld
    await new Promise((resolve) => setTimeout(resolve, 50));
    consent.withhold(1); // an erasure through this API, committed after the read began
    release();
    await reading;
    assert.equal(consent.allows(1), false, 'the older read did not undo the withholding');
    assert.equal(consent.allows(2), false);
  });

  it('drops a slow read that ends after a newer one', async () => {
    let release = () => {};
    const hold = new Promise<void>((resolve) => (release = resolve));
    let queries = 0;
    const firstHeld = new Proxy(db.pool, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return async (text: string, values?: unknown[]) => {
          const first = queries++ === 0;
          const result = await target.query(text, values);
          if (first) await hold;
          return result;
        };
      },
    }) as pg.Pool;
    const consent = new PersonalisationConsent(firstHeld, createLogger('error'));
    const slow = consent.refresh(); // reads before customer 1 withdraws consent
    await new Promise((resolve) => setTimeout(resolve, 50));
    await db.pool.query('UPDATE customers SET consent_personalisation = false WHERE id = 1');
    try {
      await consent.refresh(); // reads after
      assert.equal(consent.allows(1), false);
      release();
      await slow;
      assert.equal(consent.allows(1), false, 'the slow, older read did not put customer 1 back');
    } finally {
      release();
      await db.pool.query('UPDATE customers SET consent_personalisation = true WHERE id = 1');
    }
  });
});
