import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { ClickHouseClient } from '@clickhouse/client';
import { loadConfig } from '../../platform/config.ts';
import { openPostgres, type PostgresHandle } from '../../platform/postgres.ts';
import { migrate } from '../../domain/migrate.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { ingest } from './ingest.ts';
import { readWatermarks } from './watermark.ts';
import { seedBookingSystem } from '../../test/support/booking-system-seed.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { freePort } from '../../test/support/free-port.ts';
import { freshDatabase, MACHINE_PG_URL, quietLog, serviceSkipReason, tempDir, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';

/**
 * A booking system restored onto another PostgreSQL cluster keeps its rows' transaction ids (change_xid) while the
 * new cluster numbers its own from where it stands: the ingest must refuse to continue the copies from their old
 * watermarks (it used to copy nothing, move the watermark back and report success) and `--full` must rebuild them.
 */
const ch = (await testClickHouse()).client;

async function rowsOf<T>(client: ClickHouseClient, query: string): Promise<T[]> {
  return (await client.query({ query, format: 'JSONEachRow' })).json<T>();
}

async function positions(client: ClickHouseClient): Promise<string> {
  const rows = await rowsOf<Record<string, string>>(client, 'SELECT table_name, toString(change_xid) AS x, row_key FROM ingest_positions FINAL ORDER BY table_name');
  return JSON.stringify(rows);
}

/** A watermark as another run, an older release or another cluster left it. */
async function writePosition(client: ClickHouseClient, table: string, changeXid: string, sourceCluster: string): Promise<void> {
  const [mark] = await rowsOf<{ row_key: string; rows_total: string }>(client, `SELECT row_key, rows_total FROM ingest_positions FINAL WHERE table_name = '${table}'`);
  await client.insert({
    table: 'ingest_positions',
    values: [{ table_name: table, change_xid: changeXid, row_key: mark?.row_key ?? '[]', rows_total: mark?.rows_total ?? 0, run_id: 'planted', saved_at: Date.now() * 1000 + 999, source_cluster: sourceCluster }],
    format: 'JSONEachRow',
  });
}

describe('ingest from a booking system whose PostgreSQL changed under the warehouse', () => {
  let db: TestDatabase;
  const warehouse = async (name: string) => {
    await useClickHouseDatabase(ch, `ingest_restore_${name}`);
    await migrateWarehouse(ch, quietLog);
    await ingest(db.pool, ch, { log: quietLog, path: 'copy' });
  };
  const identity = async () => (await db.pool.query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')).rows[0].id;
  const horizon = async () => (await db.pool.query<{ h: string }>('SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS h')).rows[0].h;

  before(async () => {
    db = await bookingDatabase('ingest_restore');
    await seedBookingSystem(db.pool, 200);
  });
  after(async () => db?.drop());

  it('records the cluster with every watermark', async () => {
    await warehouse('records');
    const marks = [...(await readWatermarks(ch)).values()];
    assert.ok(marks.length > 10);
    assert.deepEqual([...new Set(marks.map((m) => m.sourceCluster))], [await identity()]);
  });

  it('refuses watermarks another cluster saved, copying nothing and moving no watermark', async () => {
    await warehouse('other_cluster');
    const mark = (await readWatermarks(ch)).get('bookings')!;
    await writePosition(ch, 'bookings', mark.changeXid, '6999999999999999999');
    await db.pool.query('UPDATE bookings SET total_price = total_price + 1 WHERE id = 1');
    const before = await positions(ch);
    await assert.rejects(ingest(db.pool, ch, { log: quietLog, path: 'copy' }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ingest_source_changed');
      assert.match(err.message, /bookings: copied from PostgreSQL cluster 6999999999999999999, not from this one/);
      assert.match(err.message, /spirit-ml ingest --full/);
      return true;
    });
    assert.equal(await positions(ch), before);
  });

  it('refuses a watermark past this cluster’s horizon (transaction ids went back), also one saved before clusters were recorded', async () => {
    await warehouse('went_back');
    await writePosition(ch, 'payments', (BigInt(await horizon()) + 10_000n).toString(), '');
    const before = await positions(ch);
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /payments: copied up to transaction \d+, but this PostgreSQL has not reached it .*went back/);
    assert.equal(await positions(ch), before, 'no watermark moved back');
  });

  it('refuses copies holding versions past the horizon when their watermark was reset or never recorded its cluster', async () => {
    await warehouse('ahead');
    const [row] = await rowsOf<Record<string, unknown>>(ch, 'SELECT * FROM customers FINAL WHERE id = 3');
    await ch.insert({ table: 'customers', values: [{ ...row, name: 'from the old cluster', change_xid: (BigInt(await horizon()) + 10_000n).toString() }], format: 'JSONEachRow' });
    const mark = (await readWatermarks(ch)).get('customers')!;
    await writePosition(ch, 'customers', mark.changeXid, '');
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /customers: holds versions up to transaction \d+, but this PostgreSQL has not reached it/);
  });

  it('lets a warehouse saved before clusters were recorded adopt this cluster when nothing is ahead of it', async () => {
    await warehouse('adopts');
    for (const [table, mark] of await readWatermarks(ch)) await writePosition(ch, table, mark.changeXid, '');
    await db.pool.query('UPDATE bookings SET total_price = total_price + 1 WHERE id = 2');
    const report = await ingest(db.pool, ch, { log: quietLog });
    assert.equal(report.tables.bookings.rows, 1);
    assert.deepEqual([...new Set([...(await readWatermarks(ch)).values()].map((m) => m.sourceCluster))], [await identity()]);
  });

  it('rebuilds with --full the copies another cluster filled, so that this cluster’s rows win', async () => {
    await warehouse('rebuild');
    const [row] = await rowsOf<Record<string, unknown>>(ch, 'SELECT * FROM bookings FINAL WHERE id = 5');
    await ch.insert({ table: 'bookings', values: [{ ...row, total_price: 99999, change_xid: (BigInt(await horizon()) + 10_000n).toString() }], format: 'JSONEachRow' });
    const mark = (await readWatermarks(ch)).get('bookings')!;
    await writePosition(ch, 'bookings', mark.changeXid, '6999999999999999999');
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /ingest --full/);
    await ingest(db.pool, ch, { log: quietLog, full: true });
    const [copied] = await rowsOf<{ p: string }>(ch, 'SELECT toString(total_price) AS p FROM bookings FINAL WHERE id = 5');
    const { rows } = await db.pool.query<{ p: string }>('SELECT total_price::text AS p FROM bookings WHERE id = 5');
    assert.equal(Number(copied.p), Number(rows[0].p), 'the rebuilt copy holds this cluster’s row, not the old version');
    const [{ n }] = await rowsOf<{ n: string }>(ch, 'SELECT count() AS n FROM bookings');
    assert.equal(Number(n), 200, 'the old versions are gone');
    const again = await ingest(db.pool, ch, { log: quietLog });
    assert.equal(again.rows, 0);
  });

  it('rebuilds with --full the acceptance mart that the decisions’ copy feeds, from the decisions reloaded', async () => {
    const decisions = await decideSuggestions(db.pool);
    await warehouse('mart_rebuild');
    assert.deepEqual(await martFigures(ch), await decisionFigures(ch), 'the mart agrees with the copy before the restore');
    // A backup taken before the first override was made, restored onto another cluster: that decision is not there,
    // and the restored identity hands its id to the next decision, made by someone else on another day.
    const gone = decisions.find((d) => d.action === 'override')!;
    await db.pool.query('ALTER TABLE suggestion_decisions DISABLE TRIGGER suggestion_decisions_immutable');
    await db.pool.query('DELETE FROM suggestion_decisions WHERE id = $1', [gone.id]);
    await db.pool.query('ALTER TABLE suggestion_decisions ENABLE TRIGGER suggestion_decisions_immutable');
    await decideSuggestions(db.pool, { reuseId: gone.id });
    const mark = (await readWatermarks(ch)).get('suggestion_decisions')!;
    await writePosition(ch, 'suggestion_decisions', mark.changeXid, '6999999999999999999');
    await assert.rejects(ingest(db.pool, ch, { log: quietLog }), /suggestion_decisions: copied from PostgreSQL cluster/);

    await ingest(db.pool, ch, { log: quietLog, full: true });
    const mart = await martFigures(ch);
    assert.deepEqual(mart, await decisionFigures(ch), 'the mart counts the decisions reloaded, and only them');
    assert.deepEqual(mart, await postgresFigures(db.pool), 'which are the booking system’s');
    const overrides = await rowsOf<{ ids: string[] }>(ch, 'SELECT arraySort(arrayMap(c -> toString(c.1), groupUniqArrayIfMerge(override_changes))) AS ids FROM mart_suggestion_acceptance');
    assert.ok(!overrides[0].ids.includes(String(gone.id)), `the override no longer in PostgreSQL (${gone.id}) is gone from the mart`);
  });
});

/**
 * Decisions on price suggestions, written as the review desk leaves them (no auto-accept band is needed): one
 * suggestion on each of the first quotations, decided in turn accept, override, reject, override by one manager,
 * or, with reuseId, one more suggestion decided by another manager on another day under that id.
 */
async function decideSuggestions(pool: TestDatabase['pool'], opts: { reuseId?: number } = {}): Promise<Array<{ id: number; action: string }>> {
  const quotations = opts.reuseId === undefined ? 'q.id BETWEEN 1 AND 8' : 'q.id = 9';
  const { rows: suggestions } = await pool.query<{ id: number }>(
    `INSERT INTO price_suggestions (quotation_id, quotation_version, itinerary_id, destination_id, service_level, departure_date, party_size,
                                    cost_total, current_price, suggested_price, lo80, hi80, model_version)
       SELECT q.id, 1, q.itinerary_id, i.destination_id, i.service_level, q.departure_date, q.party_size, q.cost_total, q.price_total,
              round(q.price_total * 1.1, 2), q.price_total, round(q.price_total * 1.2, 2), 'price-00000' || (1 + q.id % 2)
         FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id WHERE ${quotations} ORDER BY q.id
     RETURNING id::int`,
  );
  const { rows } = await pool.query<{ id: number; action: string }>(
    `INSERT INTO suggestion_decisions (id, suggestion_id, action, decided_price, reason, decided_by, decided_by_role, quotation_id, destination_id,
                                       service_level, departure_date, party_size, cost_total, current_price, suggested_price, lo80, hi80,
                                       model_version, features, decided_at)
       SELECT coalesce($2::bigint, nextval(pg_get_serial_sequence('suggestion_decisions', 'id'))), s.id, a.action,
              CASE a.action WHEN 'override' THEN round(s.suggested_price * (0.9 + (s.id % 5) * 0.01), 2) WHEN 'reject' THEN s.current_price ELSE s.suggested_price END,
              CASE WHEN a.action IN ('override', 'reject') THEN 'test' END,
              CASE WHEN $2::bigint IS NULL THEN 'Ana (api-key 1)' ELSE 'Luis (api-key 2)' END, 'pricing-manager', s.quotation_id, s.destination_id,
              s.service_level, s.departure_date, s.party_size, s.cost_total, s.current_price, s.suggested_price, s.lo80, s.hi80, s.model_version, '{}',
              CASE WHEN $2::bigint IS NULL THEN timestamptz '2031-03-09 15:00Z' + (s.id % 3) * interval '1 day' ELSE timestamptz '2031-04-01 15:00Z' END
         FROM price_suggestions s
              CROSS JOIN LATERAL (SELECT CASE WHEN $2::bigint IS NULL THEN (ARRAY['accept', 'override', 'reject', 'override'])[1 + s.id % 4] ELSE 'reject' END AS action) a
        WHERE s.id = ANY($1::bigint[]) ORDER BY s.id
     RETURNING id::int, action`,
    [suggestions.map((s) => s.id), opts.reuseId ?? null],
  );
  return rows;
}

/** Figures per day (in Lima), model version and manager, in the shape every side below gives them. */
interface Figures {
  day: string;
  model_version: string;
  decided_by: string;
  decisions: string;
  accepted: string;
  overridden: string;
  rejected: string;
  override_ids: string[];
}
const BY = 'day, model_version, decided_by ORDER BY day, model_version, decided_by';

async function martFigures(client: ClickHouseClient): Promise<Figures[]> {
  return rowsOf<Figures>(
    client,
    `SELECT toString(day) AS day, model_version, decided_by, toString(uniqExactMerge(decisions)) AS decisions, toString(uniqExactIfMerge(accepted)) AS accepted,
            toString(uniqExactIfMerge(overridden)) AS overridden, toString(uniqExactIfMerge(rejected)) AS rejected,
            arraySort(arrayMap(c -> toString(c.1), groupUniqArrayIfMerge(override_changes))) AS override_ids
       FROM mart_suggestion_acceptance GROUP BY ${BY}`,
  );
}

/** The same figures computed from the copy of the decisions, each decision in its latest version. */
async function decisionFigures(client: ClickHouseClient): Promise<Figures[]> {
  return rowsOf<Figures>(
    client,
    `SELECT toString(toDate(decided_at, 'America/Lima')) AS day, model_version, decided_by, toString(count()) AS decisions,
            toString(countIf(action IN ('accept', 'auto_accept'))) AS accepted, toString(countIf(action = 'override')) AS overridden,
            toString(countIf(action = 'reject')) AS rejected, arraySort(arrayMap(x -> toString(x), groupArrayIf(id, action = 'override'))) AS override_ids
       FROM suggestion_decisions FINAL WHERE is_deleted = 0 GROUP BY ${BY}`,
  );
}

async function postgresFigures(pool: TestDatabase['pool']): Promise<Figures[]> {
  const { rows } = await pool.query<Figures>(
    `SELECT to_char((decided_at AT TIME ZONE 'America/Lima')::date, 'YYYY-MM-DD') AS day, model_version, decided_by, count(*)::text AS decisions,
            count(*) FILTER (WHERE action IN ('accept', 'auto_accept'))::text AS accepted, count(*) FILTER (WHERE action = 'override')::text AS overridden,
            count(*) FILTER (WHERE action = 'reject')::text AS rejected,
            coalesce(array_agg(id::text ORDER BY id::text) FILTER (WHERE action = 'override'), '{}') AS override_ids
       FROM suggestion_decisions GROUP BY day, model_version, decided_by ORDER BY day, model_version, decided_by`,
  );
  return rows;
}

/**
 * The review's case itself: pg_dump of a booking system on one cluster (the machine's, whose transaction ids are
 * far along), restored onto a fresh cluster (whose ids start low), an update made there, then the ingest.
 */
const machineSkip = await serviceSkipReason('PostgreSQL (machine server)', MACHINE_PG_URL);
describe('ingest after the booking system was restored onto a fresh cluster', { skip: machineSkip }, () => {
  let source: TestDatabase;
  let fresh: PostgresHandle;
  let restored: TestDatabase;

  before(async () => {
    source = await freshDatabase(MACHINE_PG_URL, 'restore_source');
    await migrate(source.pool, quietLog);
    await seedBookingSystem(source.pool, 200);
    // A machine PostgreSQL that has just been installed (a CI runner) is not far along yet: move its transaction
    // ids well past anything the fresh cluster below reaches, as a booking system in use long enough would be.
    await source.pool.query(
      `DO $$ BEGIN PERFORM set_config('synchronous_commit', 'off', false); WHILE pg_current_xact_id()::text::bigint < 20000 LOOP COMMIT; END LOOP; END $$`,
    );
    fresh = await openPostgres(loadConfig({ SPIRIT_DATA_DIR: tempDir('restored-pg'), EMBEDDED_PG_PORT: String(await freePort()) }), quietLog);
    restored = await freshDatabase(fresh.url, 'restored');
  });
  after(async () => {
    await restored?.drop();
    await fresh?.close();
    await source?.drop();
  });

  it('refuses to continue the old copies and rebuilds them with --full', async () => {
    await useClickHouseDatabase(ch, 'ingest_restore_real');
    await migrateWarehouse(ch, quietLog);
    await ingest(source.pool, ch, { log: quietLog });
    const saved = (await readWatermarks(ch)).get('bookings')!;

    const dump = execFileSync('pg_dump', ['--no-owner', '--no-privileges', '-d', source.url], { maxBuffer: 256 * 1024 * 1024 });
    execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-1', '-d', restored.url], { input: dump, stdio: ['pipe', 'ignore', 'pipe'] });
    await restored.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 9`);
    const { rows } = await restored.pool.query<{ x: string }>('SELECT change_xid::text AS x FROM bookings WHERE id = 9');
    assert.ok(BigInt(rows[0].x) < BigInt(saved.changeXid), `the fresh cluster's update (${rows[0].x}) is below the old watermark (${saved.changeXid}), as after a real restore`);

    const before = await positions(ch);
    await assert.rejects(ingest(restored.pool, ch, { log: quietLog }), /not the one the warehouse's copies came from.*bookings: copied from PostgreSQL cluster \d+, not from this one/);
    assert.equal(await positions(ch), before, 'no watermark moved back');

    await ingest(restored.pool, ch, { log: quietLog, full: true });
    const [booking] = await rowsOf<{ status: string }>(ch, 'SELECT toString(status) AS status FROM bookings FINAL WHERE id = 9');
    assert.equal(booking.status, 'cancelled', 'the change made on the restored cluster reached the warehouse');
    await restored.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = 10`);
    const next = await ingest(restored.pool, ch, { log: quietLog });
    assert.equal(next.tables.bookings.rows, 1, 'incremental runs continue on the restored cluster');
  });
});
