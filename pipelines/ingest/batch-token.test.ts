import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrate } from '../../domain/migrate.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { batchInsertSettings } from './batch-token.ts';
import { copyTable, MIN_KEY } from './copy-table.ts';
import { ingestTable } from './ingest-tables.ts';

/**
 * A retried batch of the incremental ingest is dropped by a table that deduplicates inserts (a replicated one on a
 * cluster; here a MergeTree given non_replicated_deduplication_window, which applies the same rule in chDB), a
 * retry whose ranges lost a row loses nothing, and the warehouse's own tables (no window) keep the repeat until
 * ReplacingMergeTree collapses it, as before.
 */
const bookings = ingestTable('bookings')!;
const start = { changeXid: '0', key: [MIN_KEY] };
let db: TestDatabase;
let ch: ClickHouseClient;

async function count(sql: string): Promise<number> {
  const result = await ch.query({ query: sql, format: 'JSONEachRow' });
  return Number((await result.json<{ n: string }>())[0].n);
}

async function horizon(): Promise<string> {
  const { rows } = await db.pool.query<{ h: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS h');
  return rows[0].h;
}

/** One incremental copy of bookings from the start of the change order, in batches of 100. */
function copyBookings(upTo: string, afterBatch?: (batch: number) => void) {
  return copyTable({ pool: db.pool, clickhouse: ch, table: bookings, from: { ...start, rowsTotal: 0 }, horizon: upTo, batchRows: 100, runId: 'r', sourceCluster: 'test', afterBatch });
}

describe('insert deduplication tokens of the ingest', () => {
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'batch_token');
    await migrate(db.pool, quietLog);
    await seedBookingSystem(db.pool, 450);
    ch = (await testClickHouse()).client;
  });
  after(async () => db?.drop());

  it('names a batch by its table, part and range only', () => {
    const end = { changeXid: '812', key: ['40'] };
    const token = (s: ReturnType<typeof batchInsertSettings>) => s.insert_deduplication_token;
    assert.equal(token(batchInsertSettings('bookings', 'all', start, end, 100)), token(batchInsertSettings('bookings', 'all', start, end, 5000)));
    const variants = [
      batchInsertSettings('payments', 'all', start, end, 100),
      batchInsertSettings('bookings', 'deletions', start, end, 100),
      batchInsertSettings('bookings', 'all', start, { changeXid: '812', key: ['41'] }, 100),
      batchInsertSettings('bookings', 'all', { changeXid: '1', key: [MIN_KEY] }, end, 100),
    ].map(token);
    assert.equal(new Set([token(batchInsertSettings('bookings', 'all', start, end, 100)), ...variants]).size, 5);
    // One block per batch, however large the batch is.
    assert.ok(Number(batchInsertSettings('bookings', 'all', start, end, 2_000_000).max_insert_block_size) >= 2_000_000);
    assert.equal(batchInsertSettings('bookings', 'all', start, end, 100).input_format_parallel_parsing, 0);
  });

  it('drops a retried batch where inserts are deduplicated, and keeps every row when the retry\'s ranges moved', async () => {
    await useClickHouseDatabase(ch, 'batch_token_dedup');
    await migrateWarehouse(ch, quietLog);
    await ch.command({ query: 'ALTER TABLE bookings MODIFY SETTING non_replicated_deduplication_window = 1000' });
    // Merges would collapse a repeat too, and hide whether it was stored.
    await ch.command({ query: 'SYSTEM STOP MERGES bookings' });
    const upTo = await horizon();
    const first = await copyBookings(upTo);
    assert.ok(first.batches >= 4, `batches: ${first.batches}`);
    const stored = await count('SELECT count() AS n FROM bookings');
    assert.equal(stored, first.rows);
    const again = await copyBookings(upTo);
    assert.equal(again.rows, first.rows);
    assert.equal(await count('SELECT count() AS n FROM bookings'), stored, 'the retry added no row');

    // A run that died after its first batch; then a booking of that batch changes, so every range of the retry ends
    // one row further on: the retry's first batch now holds a row the dead run never inserted, and must not be
    // dropped as a repeat (a name by batch number would drop it).
    await useClickHouseDatabase(ch, 'batch_token_moved');
    await migrateWarehouse(ch, quietLog);
    await ch.command({ query: 'ALTER TABLE bookings MODIFY SETTING non_replicated_deduplication_window = 1000' });
    const crashed = await horizon();
    await assert.rejects(
      copyBookings(crashed, (batch) => {
        if (batch === 1) throw new Error('killed after batch 1');
      }),
      /killed after batch 1/,
    );
    const { rows: moved } = await db.pool.query<{ id: string }>('SELECT id FROM bookings ORDER BY change_xid, id OFFSET 10 LIMIT 1');
    await db.pool.query("UPDATE bookings SET status = 'cancelled' WHERE id = $1", [moved[0].id]);
    await copyBookings(crashed);
    const { rows: below } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM bookings WHERE change_xid < ${crashed}`);
    assert.equal(await count(`SELECT count() AS n FROM bookings FINAL WHERE id != ${moved[0].id}`), Number(below[0].n), 'every unchanged booking is in');
    await copyBookings(await horizon());
    assert.equal(await count('SELECT count() AS n FROM bookings FINAL'), first.rows);
    assert.equal(await count(`SELECT count() AS n FROM bookings FINAL WHERE id = ${moved[0].id} AND status = 'cancelled'`), 1);
  });

  it('leaves the warehouse\'s own tables as they were: the repeat is stored, and collapses', async () => {
    await useClickHouseDatabase(ch, 'batch_token_plain');
    await migrateWarehouse(ch, quietLog);
    await ch.command({ query: 'SYSTEM STOP MERGES bookings' });
    const upTo = await horizon();
    const first = await copyBookings(upTo);
    await copyBookings(upTo);
    assert.equal(await count('SELECT count() AS n FROM bookings'), 2 * first.rows);
    assert.equal(await count('SELECT count() AS n FROM bookings FINAL'), first.rows);
    await ch.command({ query: 'SYSTEM START MERGES bookings' });
  });
});
