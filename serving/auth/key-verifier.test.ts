import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, type TestDatabase } from '../../test/support/services.ts';
import { createApiKey, KEYS_CHANNEL, revokeApiKey } from './api-keys.ts';
import { ApiKeyVerifier } from './key-verifier.ts';

/**
 * A key revoked while its lookup is running: the lookup read the key as active, and its answer must not then be
 * cached as fresh (for the whole key cache, and the outage grace after it). The lookup is held after PostgreSQL
 * answered it, until the revocation has been heard.
 */
let db: TestDatabase;
before(async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'key_verifier_race');
  await migrate(db.pool, quietLog);
});
after(async () => db?.drop());

test('a key revoked while its lookup runs is refused by the next request, not cached from that lookup', async () => {
  const created = await createApiKey(db.pool, { name: 'revoked mid-lookup', role: 'admin' });
  let hold: Promise<void> | undefined;
  let release = () => {};
  let answered = () => {};
  const lookupAnswered = new Promise<void>((resolve) => (answered = resolve));
  // The real pool, with lookups of api_keys held after their answer while `hold` is set.
  const held = new Proxy(db.pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver);
      return async (text: string, values?: unknown[]) => {
        const result = await target.query(text, values);
        if (hold && /FROM api_keys/.test(text)) {
          answered();
          await hold;
        }
        return result;
      };
    },
  }) as pg.Pool;
  const verifier = new ApiKeyVerifier(held, quietLog, { cacheMs: 600_000, outageGraceMs: 600_000 });
  await verifier.listen();
  const heard = new pg.Client({ connectionString: db.url });
  await heard.connect();
  await heard.query(`LISTEN ${KEYS_CHANNEL}`);
  try {
    hold = new Promise((resolve) => (release = resolve));
    const during = verifier.verify(created.key);
    // The revocation must come after PostgreSQL answered the lookup (on a busy machine the lookup could start late
    // and read the key as revoked already).
    await lookupAnswered;
    const notified = new Promise((resolve) => heard.once('notification', resolve));
    const invalidations = verifier['generation'];
    await revokeApiKey(db.pool, created.id);
    await notified;
    // The verifier's own listener hears it alongside; on a busy machine, later than a fixed pause allowed.
    for (let tries = 0; verifier['generation'] === invalidations && tries < 250; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.notEqual(verifier['generation'], invalidations, 'the verifier heard the revocation');
    hold = undefined;
    release();
    assert.equal((await during)?.id, created.id, 'the request that was waiting gets what PostgreSQL answered then');
    assert.equal(await verifier.verify(created.key), undefined, 'the next request asks again and is refused');
    assert.equal(await verifier.keyById(created.id), undefined);
  } finally {
    release();
    await heard.end();
    await verifier.close();
  }
});
