import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { freshDatabase, postgresTargets, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { DESTINATIONS } from './catalogue-data.ts';
import { generateWorld } from './generate-world.ts';
import { readGroundTruth, writeGroundTruth, type GroundTruth } from './ground-truth.ts';
import { DIMS } from './latent-space.ts';
import { trueLogMarkup, type PricingParams } from './pricing.ts';
import { SeasonGrid } from './seasons.ts';
import type { SegmentName } from './segments.ts';
import { parseDay } from './time.ts';

/**
 * The ground truth file is written, reads back, and explains the data: true segments explain group sizes and
 * service levels, customers book what fits their true taste, and the recorded pricing rule reproduces every
 * first quoted price up to its stated noise.
 */
const targets = await postgresTargets();

for (const target of targets) {
  describe(`ground truth of a generated world on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let truth: GroundTruth;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'generator_truth');
      const world = await generateWorld(db.pool, { customers: 300, years: 2, seed: 5, endDate: '2025-06-01', log: quietLog });
      const dir = tempDir('truth');
      const file = path.join(dir, 'nested', 'world-seed-5.json');
      writeGroundTruth(world.truth, file);
      truth = readGroundTruth(file);
      fs.rmSync(dir, { recursive: true, force: true });
      assert.deepEqual(truth, JSON.parse(JSON.stringify(world.truth)));
    });
    after(async () => db?.drop());

    it('describes every customer and itinerary of the database', async () => {
      assert.equal(truth.customers.length, 300);
      assert.deepEqual(truth.customers.map((c) => c.id), Array.from({ length: 300 }, (_, i) => i + 1));
      for (const c of truth.customers) assert.equal(c.preferences.length, DIMS);
      const { rows } = await db.pool.query<{ id: number; customer_type: string; country: string }>(`SELECT id::int, customer_type, country FROM customers ORDER BY id`);
      assert.deepEqual(rows.map((r) => [r.customer_type, r.country]), truth.customers.map((c) => [c.customerType, c.country]));
      const its = await db.pool.query<{ code: string; service_level: string }>(`SELECT code, service_level::text FROM itineraries ORDER BY id`);
      assert.deepEqual(its.rows.map((r) => [r.code, r.service_level]), truth.itineraries.map((i) => [i.code, i.serviceLevel]));
      assert.ok(truth.itineraries.length >= 150 && truth.itineraries.length <= 300, `${truth.itineraries.length} itineraries`);
      assert.ok(truth.destinations.length >= 12 && truth.destinations.length <= 20);
    });

    it('explains group size and service level by the true segment', async () => {
      const { rows } = await db.pool.query<{ customer_id: number; party: string; luxury: string; standard: string }>(
        `SELECT b.customer_id::int, avg(b.party_size) AS party, avg((i.service_level = 'luxury')::int) AS luxury, avg((i.service_level = 'standard')::int) AS standard
           FROM bookings b JOIN itineraries i ON i.id = b.itinerary_id GROUP BY 1`,
      );
      const segmentOf = new Map(truth.customers.map((c) => [c.id, c.segment as SegmentName]));
      const sums = new Map<SegmentName, { party: number; luxury: number; standard: number; n: number }>();
      for (const r of rows) {
        const s = segmentOf.get(r.customer_id)!;
        const acc = sums.get(s) ?? { party: 0, luxury: 0, standard: 0, n: 0 };
        acc.party += Number(r.party);
        acc.luxury += Number(r.luxury);
        acc.standard += Number(r.standard);
        acc.n++;
        sums.set(s, acc);
      }
      const mean = (s: SegmentName, k: 'party' | 'luxury' | 'standard') => sums.get(s)![k] / sums.get(s)!.n;
      assert.ok(mean('corporate_incentive', 'party') > mean('adventure_groups', 'party'));
      assert.ok(mean('adventure_groups', 'party') > mean('luxury_couples', 'party'));
      assert.ok(mean('culture_families', 'party') > mean('budget_backpackers', 'party'));
      assert.ok(mean('budget_backpackers', 'party') < 2);
      for (const s of ['budget_backpackers', 'culture_families', 'adventure_groups', 'senior_culture', 'corporate_incentive'] as const) {
        assert.ok(mean('luxury_couples', 'luxury') > mean(s, 'luxury') + 0.2, `luxury share: luxury couples vs ${s}`);
      }
      assert.ok(mean('budget_backpackers', 'standard') > 0.6, `backpackers travel standard: ${mean('budget_backpackers', 'standard')}`);
    });

    it('has customers book what fits their true taste, and come back over the years', async () => {
      const { rows } = await db.pool.query<{ customer_id: number; itinerary_id: number }>(`SELECT customer_id::int, itinerary_id FROM bookings`);
      const factors = new Map(truth.itineraries.map((i) => [i.id, i.factors]));
      const zOf = (prefs: number[], f: number[]) => prefs.reduce((s, p, d) => s + p * f[d], 0);
      let booked = 0;
      for (const r of rows) {
        const prefs = truth.customers[r.customer_id - 1].preferences;
        const all = truth.itineraries.map((i) => zOf(prefs, i.factors));
        const mean = all.reduce((a, b) => a + b, 0) / all.length;
        const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
        booked += (zOf(prefs, factors.get(r.itinerary_id)!) - mean) / sd;
      }
      assert.ok(booked / rows.length > 0.7, `mean fit (z) of booked itineraries ${booked / rows.length}`);
      // A time split has test interactions: customers who booked in the last six months mostly booked before too.
      const r = await db.pool.query<{ returning: string }>(
        `SELECT avg((EXISTS (SELECT 1 FROM bookings o WHERE o.customer_id = l.customer_id AND o.booked_at < '2024-12-01'))::int) AS returning
           FROM (SELECT DISTINCT customer_id FROM bookings WHERE booked_at >= '2024-12-01') l`,
      );
      assert.ok(Number(r.rows[0].returning) > 0.5, `returning share ${r.rows[0].returning}`);
    });

    it('reproduces the first quoted prices with the recorded pricing rule, up to its noise', async () => {
      const { rows } = await db.pool.query<{
        price: string; cost: string; held: string; capacity: number; lead: number; party: number; level: string; customer_id: number; destination: string; day: string;
      }>(
        `SELECT v.price_total AS price, v.cost_total AS cost, d.capacity, q.departure_date - q.quoted_at::date AS lead, q.party_size AS party,
                i.service_level::text AS level, q.customer_id::int, dst.code AS destination, q.departure_date::text AS day,
                COALESCE((SELECT sum(b.party_size) FROM bookings b
                           WHERE b.departure_id = q.departure_id AND b.booked_at <= q.quoted_at
                             AND NOT EXISTS (SELECT 1 FROM booking_status_history h
                                              WHERE h.booking_id = b.id AND h.status = 'cancelled' AND h.changed_at <= q.quoted_at)), 0) AS held
           FROM quotations q
           JOIN quotation_versions v ON v.quotation_id = q.id AND v.version = 1
           JOIN departures d ON d.id = q.departure_id
           JOIN itineraries i ON i.id = q.itinerary_id
           JOIN destinations dst ON dst.id = i.destination_id`,
      );
      const params = truth.pricing.params as PricingParams;
      const grid = new SeasonGrid(DESTINATIONS, parseDay(truth.startDate)! - 400, parseDay(truth.lastDepartureDate)!);
      const destination = new Map(DESTINATIONS.map((d, i) => [d.code, i]));
      const residuals: number[] = [];
      let loaded = 0;
      for (const r of rows) {
        const price = Number(r.price);
        const cost = Number(r.cost);
        if (price <= cost * (1 + params.marginFloor) + 0.01) continue;
        const loadFactor = Number(r.held) / r.capacity;
        if (loadFactor > 0) loaded++;
        const predicted = trueLogMarkup(
          {
            seasonIndex: grid.season(destination.get(r.destination)!, parseDay(r.day)!),
            loadFactor,
            leadDays: r.lead,
            partySize: r.party,
            level: r.level as 'standard',
            segment: truth.customers[r.customer_id - 1].segment as SegmentName,
          },
          params,
        );
        residuals.push(Math.log(price / cost) - predicted);
      }
      assert.ok(residuals.length > 0.95 * rows.length, `${rows.length - residuals.length} of ${rows.length} at the margin floor`);
      assert.ok(loaded > 0.2 * rows.length, `quotations on departures already partly sold: ${loaded}`);
      const mean = residuals.reduce((a, b) => a + b, 0) / residuals.length;
      const sd = Math.sqrt(residuals.reduce((a, b) => a + (b - mean) ** 2, 0) / residuals.length);
      assert.ok(Math.abs(mean) < 0.005, `mean residual ${mean}`);
      assert.ok(Math.abs(sd - params.noiseSd) < 0.004, `residual sd ${sd} vs noise ${params.noiseSd}`);
    });
  });
}
