import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { freshDatabase, postgresTargets, quietLog, type TestDatabase } from '../../test/support/services.ts';
import { generateWorld } from './generate-world.ts';
import { PRICING } from './pricing.ts';

/**
 * The generated world looks like Spirit Tours' business: seasons, the working week, lead times, cancellations,
 * conversion and prices behave as the brief describes, measured on the loaded tables.
 */
const targets = await postgresTargets();

for (const target of targets) {
  describe(`marginals of a generated world on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    const one = async <T>(sql: string): Promise<T> => (await db.pool.query(sql)).rows[0] as T;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'generator_marginals');
      await generateWorld(db.pool, { customers: 300, years: 2, seed: 11, endDate: '2025-06-01', log: quietLog });
    });
    after(async () => db?.drop());

    it('books the Andes for the dry season (May–September) far more than the rainy season (December–March)', async () => {
      const r = await one<{ dry: string; rainy: string }>(
        `SELECT count(*) FILTER (WHERE extract(month FROM b.departure_date) BETWEEN 5 AND 9) / 5.0 AS dry,
                count(*) FILTER (WHERE extract(month FROM b.departure_date) IN (12, 1, 2, 3)) / 4.0 AS rainy
           FROM bookings b JOIN destinations d ON d.id = b.destination_id
          WHERE d.code IN ('cusco', 'sacred-valley', 'puno-titicaca', 'arequipa', 'colca', 'huaraz')`,
      );
      assert.ok(Number(r.dry) > 1.4 * Number(r.rainy), `per month: dry ${r.dry}, rainy ${r.rainy}`);
      // …and prices follow: a higher markup in the dry season.
      const m = await one<{ dry: string; rainy: string }>(
        `SELECT avg(ln(b.total_price / b.total_cost)) FILTER (WHERE extract(month FROM b.departure_date) BETWEEN 6 AND 8) AS dry,
                avg(ln(b.total_price / b.total_cost)) FILTER (WHERE extract(month FROM b.departure_date) IN (1, 2, 3)) AS rainy
           FROM bookings b JOIN destinations d ON d.id = b.destination_id WHERE d.code IN ('cusco', 'sacred-valley')`,
      );
      assert.ok(Number(m.dry) > Number(m.rainy) + 0.03, `log markup dry ${m.dry}, rainy ${m.rainy}`);
    });

    it('sells on working days: a weekday books far more than a weekend day', async () => {
      const r = await one<{ weekday: string; weekend: string }>(
        `SELECT count(*) FILTER (WHERE extract(isodow FROM booked_at) BETWEEN 2 AND 4) / 3.0 AS weekday,
                count(*) FILTER (WHERE extract(isodow FROM booked_at) IN (6, 7)) / 2.0 AS weekend FROM bookings`,
      );
      assert.ok(Number(r.weekday) > 2 * Number(r.weekend), `per day: weekday ${r.weekday}, weekend ${r.weekend}`);
      // Departures leave on each itinerary's fixed weekdays, mostly at the weekend.
      const d = await one<{ weekend: string }>(`SELECT avg((extract(isodow FROM departure_date) IN (6, 7))::int) AS weekend FROM departures`);
      assert.ok(Number(d.weekend) > 0.4, `weekend share of departures ${d.weekend}`);
    });

    it('has lead times of weeks to months, longer for luxury and for large groups', async () => {
      const r = await one<{ median: string; luxury: string; standard: string; large: string; small: string }>(
        `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY b.departure_date - b.booked_at::date) AS median,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY b.departure_date - b.booked_at::date) FILTER (WHERE i.service_level = 'luxury') AS luxury,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY b.departure_date - b.booked_at::date) FILTER (WHERE i.service_level = 'standard') AS standard,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY b.departure_date - b.booked_at::date) FILTER (WHERE b.party_size >= 8) AS large,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY b.departure_date - b.booked_at::date) FILTER (WHERE b.party_size <= 2) AS small
           FROM bookings b JOIN itineraries i ON i.id = b.itinerary_id`,
      );
      assert.ok(Number(r.median) >= 30 && Number(r.median) <= 150, `median lead ${r.median} days`);
      assert.ok(Number(r.luxury) > Number(r.standard), `luxury ${r.luxury} vs standard ${r.standard}`);
      assert.ok(Number(r.large) > Number(r.small), `groups of 8+ ${r.large} vs 1–2 ${r.small}`);
    });

    it('cancels 8–15% of bookings, more of those booked far ahead', async () => {
      const r = await one<{ rate: string; early: string; late: string }>(
        `SELECT avg((status = 'cancelled')::int) AS rate,
                avg((status = 'cancelled')::int) FILTER (WHERE departure_date - booked_at::date > 120) AS early,
                avg((status = 'cancelled')::int) FILTER (WHERE departure_date - booked_at::date < 30) AS late
           FROM bookings WHERE departure_date < '2025-06-01'`,
      );
      assert.ok(Number(r.rate) >= 0.08 && Number(r.rate) <= 0.15, `cancellation rate ${r.rate}`);
      assert.ok(Number(r.early) > Number(r.late), `booked >120 days ahead ${r.early} vs <30 days ${r.late}`);
    });

    it('converts about a third of quotations, after 1–4 versions', async () => {
      const r = await one<{ converted: string; revised: string; max: number; min: number }>(
        `SELECT avg((status = 'converted')::int) AS converted, avg((current_version > 1)::int) AS revised,
                max(current_version) AS max, min(current_version) AS min FROM quotations`,
      );
      assert.ok(Number(r.converted) >= 0.25 && Number(r.converted) <= 0.42, `conversion ${r.converted}`);
      assert.ok(Number(r.revised) > 0.35 && Number(r.revised) < 0.7, `share revised ${r.revised}`);
      assert.equal(r.min, 1);
      assert.equal(r.max, 4);
      const sources = await db.pool.query<{ price_source: string }>(`SELECT DISTINCT price_source FROM quotation_versions ORDER BY 1`);
      assert.deepEqual(sources.rows.map((s) => s.price_source), ['manager_override', 'manual', 'supplier_rate_update', 'tariff']);
    });

    it('prices above cost, rising with the service level', async () => {
      const floor = await one<{ n: string }>(
        `SELECT count(*) AS n FROM quotation_versions WHERE price_total < cost_total * ${1 + PRICING.marginFloor} - 0.01`,
      );
      assert.equal(Number(floor.n), 0);
      const { rows } = await db.pool.query<{ service_level: string; per_pax_day: string; markup: string }>(
        `SELECT i.service_level, avg(b.total_price / b.party_size / i.duration_days) AS per_pax_day, avg(ln(b.total_price / b.total_cost)) AS markup
           FROM bookings b JOIN itineraries i ON i.id = b.itinerary_id GROUP BY 1`,
      );
      const by = Object.fromEntries(rows.map((r) => [r.service_level, r]));
      assert.ok(Number(by.standard.per_pax_day) < Number(by.superior.per_pax_day), 'standard < superior per pax-day');
      assert.ok(Number(by.superior.per_pax_day) < Number(by.luxury.per_pax_day), 'superior < luxury per pax-day');
      assert.ok(Number(by.standard.markup) < Number(by.luxury.markup), 'luxury carries a higher markup');
    });

    it('keeps future departures partly sold, with quotations still open', async () => {
      const r = await one<{ future: string; sold: string; capacity: string }>(
        `SELECT count(*) AS future, sum(seats_sold) AS sold, sum(capacity) AS capacity FROM departures WHERE departure_date >= '2025-06-01'`,
      );
      assert.ok(Number(r.future) > 100, `future departures ${r.future}`);
      assert.ok(Number(r.sold) > 0 && Number(r.sold) < 0.5 * Number(r.capacity), `future seats sold ${r.sold} of ${r.capacity}`);
      const last = await one<{ last: string }>(`SELECT max(departure_date)::text AS last FROM departures`);
      assert.ok(last.last >= '2026-02-01', `departures run ~9 months ahead, last ${last.last}`);
      const open = await one<{ n: string }>(`SELECT count(*) AS n FROM quotations WHERE status IN ('sent', 'approved')`);
      assert.ok(Number(open.n) > 0);
    });
  });
}
