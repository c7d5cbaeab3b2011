import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse, WAREHOUSE_MIGRATIONS_DIR } from '../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../test/support/services.ts';

/**
 * Notebooks must not rot: every query runs, as `spirit-ml sql --file` runs it (read-only), on the warehouse
 * schema the migrations build today; none reads a ReplacingMergeTree table without FINAL or its _latest view;
 * and on a few rows with duplicate versions the answers count each row once, in its latest state.
 */
const NOTEBOOKS = path.dirname(new URL(import.meta.url).pathname);

function notebookFiles(dir = NOTEBOOKS): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? notebookFiles(path.join(dir, e.name)) : e.name.endsWith('.sql') ? [path.join(dir, e.name)] : []))
    .sort();
}

/** The query as `spirit-ml sql --file` sends it. */
function queryOf(file: string): string {
  return fs.readFileSync(file, 'utf8').trim().replace(/;\s*$/, '');
}

/** Tables the warehouse keeps as ReplacingMergeTree: reading them plainly may see a row more than once. */
function replacingTables(): Set<string> {
  const names = new Set<string>();
  for (const file of fs.readdirSync(WAREHOUSE_MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'))) {
    const sql = fs.readFileSync(path.join(WAREHOUSE_MIGRATIONS_DIR, file), 'utf8');
    for (const m of sql.matchAll(/CREATE TABLE IF NOT EXISTS (\w+)\s*\(([\s\S]*?)\)\s*ENGINE\s*=\s*ReplacingMergeTree/g)) names.add(m[1]);
  }
  return names;
}

async function rows(ch: ClickHouseClient, file: string): Promise<Array<Record<string, unknown>>> {
  const result = await ch.query({ query: queryOf(file), format: 'JSONEachRow', clickhouse_settings: { readonly: '2' } });
  return result.json<Record<string, unknown>>();
}

const files = notebookFiles();
const notebook = (name: string) => {
  const file = files.find((f) => f.endsWith(name));
  assert.ok(file, `notebook ${name} exists`);
  return file;
};
const ch = (await testClickHouse()).client;

describe('analyst notebooks', () => {
  // Everything is written before the first query: chDB keeps a query's settings (readonly) for the whole
  // session, so after one read-only query this process can no longer create or insert.
  before(async () => {
    await useClickHouseDatabase(ch, 'notebooks_empty');
    await migrateWarehouse(ch, quietLog);
    await useClickHouseDatabase(ch, 'notebooks_versions');
    await migrateWarehouse(ch, quietLog);
    await ch.command({
      query: `INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at)
              VALUES (1, 'cusco', 'Cusco', 'PE', 'Andes', 1, '2024-01-01', '2024-01-01')`,
    });
    // 20 bookings from the US to Cusco, 2 travellers each, departing in June 2024 …
    await ch.command({
      query: `INSERT INTO bookings (id, destination_id, departure_date, party_size, status, channel, country, total_price, total_cost,
                                    currency, booked_at, source, created_at, updated_at)
              SELECT number + 1, 1, toDate('2024-06-10') + number % 5, 2, 'confirmed', 'web', 'US', 1000, 700, 'USD',
                     toDateTime64('2024-03-01 10:00:00', 6, 'UTC'), 'import:1', toDateTime64('2024-03-01 10:00:00', 6, 'UTC'),
                     toDateTime64('2024-03-01 10:00:00', 6, 'UTC')
              FROM numbers(20)`,
    });
    // … of which 6 were later cancelled: a second version of the same rows, and a status-history row each —
    // booking 6 came from a CSV import that did not say when (its history row is dated at the booking).
    await ch.command({
      query: `INSERT INTO bookings (id, destination_id, departure_date, party_size, status, channel, country, total_price, total_cost,
                                    currency, booked_at, source, created_at, updated_at)
              SELECT number + 1, 1, toDate('2024-06-10') + number % 5, 2, 'cancelled', 'web', 'US', 1000, 700, 'USD',
                     toDateTime64('2024-03-01 10:00:00', 6, 'UTC'), 'import:1', toDateTime64('2024-03-01 10:00:00', 6, 'UTC'),
                     toDateTime64('2024-05-01 10:00:00', 6, 'UTC')
              FROM numbers(6)`,
    });
    await ch.command({
      query: `INSERT INTO booking_status_history (id, booking_id, status, reason, changed_at, created_at, updated_at)
              SELECT number + 1, number + 1, 'cancelled', NULL, toDateTime64('2024-05-01 10:00:00', 6, 'UTC'),
                     toDateTime64('2024-05-01 10:00:00', 6, 'UTC'), toDateTime64('2024-05-01 10:00:00', 6, 'UTC')
              FROM numbers(5)`,
    });
    await ch.command({
      query: `INSERT INTO booking_status_history (id, booking_id, status, reason, changed_at, created_at, updated_at)
              VALUES (6, 6, 'cancelled', 'status at import 1, time unknown', '2024-03-01 10:00:00', '2024-05-01 10:00:00', '2024-05-01 10:00:00')`,
    });
  });

  it('are there: at least two notebooks of several queries each', () => {
    const folders = new Set(files.map((f) => path.dirname(f)));
    assert.ok(folders.size >= 2, `found ${[...folders].join(', ')}`);
    assert.ok(files.length >= 6);
  });

  it('read ReplacingMergeTree tables only through FINAL or their _latest view', () => {
    const replacing = replacingTables();
    assert.ok(replacing.has('bookings') && replacing.has('quotations'), 'the warehouse schema was read');
    for (const file of files) {
      const sql = queryOf(file)
        .split('\n')
        .filter((l) => !l.trim().startsWith('--'))
        .join('\n');
      for (const m of sql.matchAll(/\b(?:FROM|JOIN)\s+(\w+)(\s+(?:AS\s+\w+\s+)?FINAL\b)?/gi)) {
        if (replacing.has(m[1]) && !m[2]) assert.fail(`${path.relative(NOTEBOOKS, file)} reads ${m[1]} without FINAL; use ${m[1]}_latest`);
      }
    }
  });

  describe('on an empty warehouse', () => {
    before(() => ch.command({ query: 'USE notebooks_empty' }));

    for (const file of files) {
      it(`runs ${path.relative(NOTEBOOKS, file)} read-only`, async () => {
        assert.ok(Array.isArray(await rows(ch, file)));
      });
    }
  });

  describe('on bookings with several versions of a row', () => {
    before(() => ch.command({ query: 'USE notebooks_versions' }));

    it('counts a booking cancelled after it was confirmed once, as cancelled', async () => {
      const raw = await ch.query({ query: 'SELECT count() AS n FROM bookings', format: 'JSONEachRow' });
      assert.equal(Number((await raw.json<{ n: string }>())[0].n), 26, 'the table itself still holds both versions');
      const result = await rows(ch, notebook('02_cancellations_by_source_market.sql'));
      assert.deepEqual(result.map((r) => [r.market, Number(r.bookings), Number(r.cancelled), r.cancellation_rate]), [['US', 20, 6, 0.3]]);
      // Bookings 1–5 depart on 10–14 June and were cancelled on 1 May: 40–44 days before, 42 on average;
      // booking 6's cancellation has no known date and stays out of the average.
      assert.equal(result[0].avg_days_before_departure, 42);
    });

    it('counts the travellers of bookings that still travel, each once', async () => {
      const result = await rows(ch, notebook('01_monthly_pax_by_destination.sql'));
      assert.deepEqual(result.map((r) => [r.destination, r.month, Number(r.bookings), Number(r.pax), r.share_of_year]), [['Cusco', '2024-06-01', 14, 28, 1]]);
    });

    it('prices the bookings that travel at their latest version', async () => {
      const result = await rows(ch, notebook('01_price_vs_cost_by_service_level.sql'));
      assert.deepEqual(result.map((r) => [r.service_level, r.currency, Number(r.bookings), r.margin]), [['(no itinerary)', 'USD', 14, 0.3]]);
    });
  });
});
