import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { recordEvent, type DomainEvent } from '../../domain/outbox.ts';
import { InputError } from '../../platform/errors.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { freshDatabase, postgresTargets, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { appendEvents, clickHousePublisher } from './clickhouse-events.ts';
import { readUnpublished } from './outbox-event.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { waitFor } from '../runner/fixtures/cli-process.ts';

async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>, commit = true): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query(commit ? 'COMMIT' : 'ROLLBACK');
    return result;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

const approved = (id: number): DomainEvent => ({ aggregateType: 'quotation', aggregateId: id, type: 'quotation.approved', payload: { quotationId: id, priceTotal: 1250.5 } });

for (const target of await postgresTargets()) {
  describe(`outbox on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'outbox');
      await migrate(db.pool, quietLog);
    });
    after(async () => db?.drop());

    it('keeps an event only if its transaction commits, numbered per aggregate in commit order', async () => {
      await inTransaction(db.pool, (c) => recordEvent(c, approved(1)), false);
      const first = await inTransaction(db.pool, (c) => recordEvent(c, approved(1)));
      assert.equal(first.aggregateSeq, 1, 'the rolled-back event took no number');

      // Two transactions on one aggregate: the second waits for the first to commit and numbers after it.
      const a = await db.pool.connect();
      const b = await db.pool.connect();
      try {
        await a.query('BEGIN');
        await b.query('BEGIN');
        const fromA = await recordEvent(a, approved(1));
        const fromB = recordEvent(b, { ...approved(1), type: 'quotation.updated' });
        await new Promise((r) => setTimeout(r, 100));
        await a.query('COMMIT');
        assert.equal((await fromB).aggregateSeq, fromA.aggregateSeq + 1);
        await b.query('COMMIT');
      } finally {
        a.release();
        b.release();
      }
      const { rows } = await db.pool.query<{ aggregate_seq: number; type: string }>(`SELECT aggregate_seq, type FROM outbox_events WHERE aggregate_id = '1' ORDER BY seq`);
      assert.deepEqual(rows, [{ aggregate_seq: 1, type: 'quotation.approved' }, { aggregate_seq: 2, type: 'quotation.approved' }, { aggregate_seq: 3, type: 'quotation.updated' }]);
    });

    it('rejects a malformed event naming the field', async () => {
      const bad = async (event: Partial<DomainEvent>, field: string) =>
        assert.rejects(inTransaction(db.pool, (c) => recordEvent(c, { ...approved(2), ...event } as DomainEvent), false), (e: unknown) => e instanceof InputError && e.field === field);
      await bad({ type: 'quotation.teleported' as DomainEvent['type'] }, 'type');
      await bad({ aggregateType: 'Quotation!' }, 'aggregateType');
      await bad({ aggregateId: ' ' }, 'aggregateId');
      await bad({ payload: [] as unknown as Record<string, unknown> }, 'payload');
    });

    it('without Redis, the relay appends committed events to ClickHouse within seconds, and copies of an event fold away', async () => {
      const ch = await testClickHouse();
      await useClickHouseDatabase(ch.client, `outbox_inproc_${target.name}`);
      await migrateWarehouse(ch.client, quietLog);
      const relay = new OutboxRelay(db.pool, clickHousePublisher(ch.client), quietLog, { pollMs: 30_000 });
      relay.start();
      try {
        for (let i = 0; i < 20; i++) await inTransaction(db.pool, (c) => recordEvent(c, approved(100 + (i % 4))));
        const { rows: outbox } = await db.pool.query<{ id: string }>('SELECT id::text FROM outbox_events ORDER BY id');
        // The poll is 30 s: seeing them sooner shows the commit's NOTIFY woke the relay.
        const seen = await waitFor('events in ClickHouse', async () => {
          const r = await ch.client.query({ query: 'SELECT toString(id) AS id FROM events FINAL ORDER BY id', format: 'JSONEachRow' });
          const rows = (await r.json<{ id: string }>()).map((row) => row.id);
          return rows.length >= outbox.length ? rows : undefined;
        }, 15_000);
        assert.deepEqual(seen, outbox.map((r) => r.id), 'every committed event, once');
        // Stamped published just after ClickHouse has them: on a busy machine the stamp can trail the rows a moment.
        await waitFor('every event stamped published', async () => (await db.pool.query(`SELECT 1 FROM outbox_events WHERE published_at IS NULL`)).rowCount === 0, 5000);

        // A relay that died after publishing and before stamping publishes the same events again.
        await relay.stop();
        await db.pool.query('UPDATE outbox_events SET published_at = NULL');
        await appendEvents(ch.client, await readUnpublished(db.pool, 10_000));
        const counts = await (await ch.client.query({ query: 'SELECT count() AS raw, uniqExact(id) AS ids, (SELECT count() FROM events FINAL) AS final FROM events', format: 'JSONEachRow' })).json<{ raw: string; ids: string; final: string }>();
        // A background merge may already have folded some copies, so the raw count is anywhere up to twice.
        const [{ raw, ids, final }] = counts.map((c) => ({ raw: Number(c.raw), ids: Number(c.ids), final: Number(c.final) }));
        assert.ok(raw >= outbox.length && raw <= 2 * outbox.length, `raw rows ${raw}`);
        assert.deepEqual([ids, final], [outbox.length, outbox.length], 'the copies are folded away');
      } finally {
        await relay.stop();
      }
    });
  });
}
