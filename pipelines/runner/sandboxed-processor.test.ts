import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type net from 'node:net';
import { freePort } from '../../test/support/free-port.ts';
import { openRelay, relayedUrl } from '../../test/support/tcp-relay.ts';
import { embeddedPostgresUrl, freshDatabase, tempDir, type TestDatabase } from '../../test/support/services.ts';
import sandboxedProcessor from './sandboxed-processor.ts';

/**
 * A sandboxed child (a BullMQ child process that runs heavy steps) whose first job came while PostgreSQL was out of
 * reach: once PostgreSQL answers again, the next job must open the connections anew, not fail with the first error.
 * PostgreSQL sits behind a TCP relay of the test, closed, then open.
 */
let db: TestDatabase | undefined;
let relay: net.Server | undefined;
after(async () => {
  relay?.close();
  await db?.drop();
});

test('a sandboxed child whose first job met PostgreSQL down runs the next job once it is back', async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'sandbox_reopen');
  const port = await freePort();
  Object.assign(process.env, { DATABASE_URL: relayedUrl(db.url, port), JWT_SECRET: crypto.randomBytes(48).toString('base64'), SPIRIT_DATA_DIR: tempDir('sandbox'), LOG_LEVEL: 'error' });
  // A step no pipeline has: the job fails as soon as the child's connections are open, with an error that says so.
  const job = (id: string) => ({ id, name: 'step', data: { runId: crypto.randomUUID(), step: 'not-a-step', params: {} }, attemptsMade: 0, opts: { attempts: 1 } }) as never;

  await assert.rejects(sandboxedProcessor(job('while-down')), (err: Error) => /ECONNREFUSED|connect/i.test(err.message) && !/no step named/.test(err.message));

  relay = await openRelay(port, new URL(db.url));
  await assert.rejects(sandboxedProcessor(job('after-recovery')), /this worker's pipeline has no step named not-a-step/);
});
