import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, postgresTargets, quietLog, type TestDatabase } from '../../test/support/services.ts';
import { InputError } from '../../platform/errors.ts';
import { generateWorld, type GenerateResult } from './generate-world.ts';
import { tableChecksums } from './table-checksums.ts';
import { TABLES, type TableName } from './tables.ts';

/**
 * The generator end to end on both PostgreSQLs: determinism (same seed → byte-identical tables, on either
 * server; another seed → other data), internal consistency of what was loaded, and the empty-database rule.
 */
const WORLD = { customers: 300, years: 2, endDate: '2025-06-01', log: quietLog };
const targets = await postgresTargets();
const checksumsByTarget = new Map<string, Record<TableName, string>>();

for (const target of targets) {
  describe(`generateWorld on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let first: TestDatabase;
    let second: TestDatabase;
    let world: GenerateResult;
    before(async () => {
      first = await freshDatabase(target.baseUrl!, 'generate_a');
      second = await freshDatabase(target.baseUrl!, 'generate_b');
      world = await generateWorld(first.pool, { ...WORLD, seed: 7 });
    });
    after(async () => {
      await first?.drop();
      await second?.drop();
    });

    it('fills every table and reports the rows it loaded', async () => {
      for (const table of TABLES) {
        const { rows } = await first.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
        assert.equal(Number(rows[0].n), world.counts[table], table);
        assert.ok(world.counts[table] > 0, `${table} is empty`);
      }
      assert.equal(world.counts.customers, 300);
      const perCustomer = world.counts.bookings / world.counts.customers;
      // About 2 bookings a year per customer (10 over 5 years); a small world of 2 years lands near 4.
      assert.ok(perCustomer > 2.5 && perCustomer < 6, `bookings per customer ${perCustomer}`);
    });

    it('gives byte-identical tables for the same seed, and different ones for another seed', async () => {
      await generateWorld(second.pool, { ...WORLD, seed: 7 });
      const a = await tableChecksums(first.pool);
      const b = await tableChecksums(second.pool);
      assert.deepEqual(b, a);
      checksumsByTarget.set(target.name, a);
      // Another seed once is enough (embedded); the machine server's run is compared with the embedded one below.
      if (target.name !== 'embedded') return;
      const other = await freshDatabase(target.baseUrl!, 'generate_c');
      try {
        await generateWorld(other.pool, { ...WORLD, seed: 8 });
        const c = await tableChecksums(other.pool);
        for (const table of ['customers', 'quotations', 'bookings', 'payments'] as const) assert.notEqual(c[table], a[table], table);
        // The catalogue is the company's, not the seed's… but its costs and capacities are drawn, so it differs too.
        assert.notEqual(c.itinerary_components, a.itinerary_components);
      } finally {
        await other.drop();
      }
    });

    it('refuses a database that already holds a world, and leaves it untouched', async () => {
      const before = await tableChecksums(first.pool);
      await assert.rejects(generateWorld(first.pool, { ...WORLD, seed: 9 }), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.equal(err.code, 'database_not_empty');
        assert.match(err.message, /already holds data \(.*customers: 300/);
        return true;
      });
      assert.deepEqual(await tableChecksums(first.pool), before);
    });

    it('leaves the schema whole: foreign keys and indexes back, sequences past the generated ids', async () => {
      const fks = await first.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1::text[]::regclass[])`,
        [TABLES],
      );
      assert.ok(Number(fks.rows[0].n) >= 15, `foreign keys: ${fks.rows[0].n}`);
      const idx = await first.pool.query<{ n: string }>(`SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'bookings_watermark'`);
      assert.equal(Number(idx.rows[0].n), 1);
      const app = await first.pool.query<{ id: string }>(`INSERT INTO customers (name, country) VALUES ('New Customer', 'PE') RETURNING id`);
      await first.pool.query('DELETE FROM customers WHERE id = $1', [app.rows[0].id]);
      assert.equal(Number(app.rows[0].id), 301);
      await assert.rejects(
        first.pool.query(`INSERT INTO bookings (customer_id, departure_date, party_size, status, channel, total_price, booked_at) VALUES (999999, '2025-07-01', 2, 'created', 'web', 100, '2025-05-01')`),
        /foreign key/,
      );
    });

    it('keeps seats consistent: seats_sold is the confirmed pax and never above capacity', async () => {
      const { rows } = await first.pool.query<{ bad: string; over: string; sold: string }>(
        `SELECT count(*) FILTER (WHERE d.seats_sold <> COALESCE(b.pax, 0)) AS bad,
                count(*) FILTER (WHERE d.seats_sold > d.capacity) AS over,
                sum(d.seats_sold) AS sold
           FROM departures d
           LEFT JOIN (SELECT departure_id, sum(party_size) AS pax FROM bookings WHERE status = 'confirmed' GROUP BY 1) b ON b.departure_id = d.id`,
      );
      assert.equal(Number(rows[0].bad), 0);
      assert.equal(Number(rows[0].over), 0);
      assert.ok(Number(rows[0].sold) > 0);
      // At no moment did bookings hold more seats than the departure has: replay holds (booked_at) and releases
      // (cancellation) per departure in time order.
      const peak = await first.pool.query<{ n: string }>(
        `WITH moves AS (
           SELECT b.departure_id, b.booked_at AS at, b.party_size AS seats FROM bookings b
           UNION ALL
           SELECT b.departure_id, h.changed_at, -b.party_size FROM bookings b JOIN booking_status_history h ON h.booking_id = b.id AND h.status = 'cancelled'),
         running AS (SELECT departure_id, sum(seats) OVER (PARTITION BY departure_id ORDER BY at, seats ROWS UNBOUNDED PRECEDING) AS held FROM moves)
         SELECT count(*) AS n FROM running r JOIN departures d ON d.id = r.departure_id WHERE r.held > d.capacity`,
      );
      assert.equal(Number(peak.rows[0].n), 0);
    });

    it('back-dates every row: created_at ≤ updated_at < end date, histories in order', async () => {
      for (const table of TABLES) {
        const { rows } = await first.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM ${table} WHERE created_at > updated_at OR updated_at >= '2025-06-01' OR created_at < '2018-01-01'`,
        );
        assert.equal(Number(rows[0].n), 0, table);
      }
      const versions = await first.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM quotations q
           JOIN LATERAL (SELECT max(version) AS v, count(*) AS c, max(created_at) AS last FROM quotation_versions WHERE quotation_id = q.id) s ON true
           JOIN quotation_versions lv ON lv.quotation_id = q.id AND lv.version = s.v
          WHERE s.v <> q.current_version OR s.c <> s.v OR lv.price_total <> q.price_total OR q.created_at <> q.quoted_at OR q.updated_at < s.last`,
      );
      assert.equal(Number(versions.rows[0].n), 0);
      const bookings = await first.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM bookings b
           JOIN quotations q ON q.id = b.quotation_id
           JOIN LATERAL (SELECT max(changed_at) AS last, (array_agg(status ORDER BY changed_at DESC))[1] AS status,
                                min(changed_at) FILTER (WHERE status = 'created') AS created FROM booking_status_history WHERE booking_id = b.id) h ON true
          WHERE q.status <> 'converted' OR b.status <> h.status OR b.updated_at <> h.last OR h.created <> b.booked_at
             OR b.created_at <> b.booked_at OR b.booked_at < q.quoted_at OR b.departure_date <> q.departure_date
             OR b.total_price <> q.price_total OR b.customer_id <> q.customer_id`,
      );
      assert.equal(Number(bookings.rows[0].n), 0);
    });

    it('pays and refunds consistently with the booking status', async () => {
      const { rows } = await first.pool.query<{ status: string; paid: string; refunded: string; n: string }>(
        `SELECT b.status,
                avg(COALESCE(p.received, 0) / b.total_price) AS paid,
                avg(COALESCE(p.refunded, 0) / b.total_price) AS refunded, count(*) AS n
           FROM bookings b
           LEFT JOIN (SELECT booking_id, sum(amount) FILTER (WHERE status = 'received') AS received,
                             sum(amount) FILTER (WHERE status = 'refunded') AS refunded FROM payments GROUP BY 1) p ON p.booking_id = b.id
          GROUP BY 1`,
      );
      const by = Object.fromEntries(rows.map((r) => [r.status, { paid: Number(r.paid), refunded: Number(r.refunded), n: Number(r.n) }]));
      assert.ok(by.confirmed.paid > 0.3 && by.confirmed.paid <= 1.0001, `confirmed bookings paid ${by.confirmed.paid}`);
      assert.equal(by.confirmed.refunded, 0);
      assert.ok(by.cancelled.refunded > 0, 'some cancellations are refunded');
      const over = await first.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM bookings b JOIN payments p ON p.booking_id = b.id
          GROUP BY b.id, b.total_price HAVING sum(p.amount) FILTER (WHERE p.status = 'received') > b.total_price + 0.01`,
      );
      assert.equal(over.rowCount, 0);
    });
  });
}

describe('generateWorld across servers', () => {
  it('writes the same bytes on the embedded and the machine PostgreSQL', { skip: targets.some((t) => t.skip) ? 'one PostgreSQL is not available' : undefined }, () => {
    const [embedded, machine] = [checksumsByTarget.get('embedded'), checksumsByTarget.get('machine')];
    assert.ok(embedded && machine, 'both targets ran the determinism test');
    assert.deepEqual(machine, embedded);
  });
});
