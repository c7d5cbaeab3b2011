import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { buildServingWorld, type ServingWorld } from '../../test/worlds/serving-world.ts';
import { freshDatabase, postgresTargets, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { mulberry32 } from '../../platform/random.ts';
import { PRICE_FEATURE_NAMES } from '../../features/price-feature-definitions.ts';
import { featureSnapshotId } from '../../serving/request-log/feature-snapshot.ts';
import { warehouseSources } from '../../serving/online/warehouse-sources.ts';
import { decideSuggestion } from '../suggestions/decide-suggestion.ts';
import { getSuggestion } from '../suggestions/review-queue.ts';
import { createQuotation } from './create-quotation.ts';
import { memberQuotation } from './member-view.ts';
import { checkQuotationRequest, type QuotationRequest } from './quotation-request.ts';
import { convertToBooking, approveQuotation } from './quotation-status.ts';
import { readQuotation } from './read-quotation.ts';
import { ensureReviewWork } from './sample-quotations.ts';
import { reviseQuotation } from './revise-quotation.ts';
import { ScoringClient, ScoringRejectedError } from './scoring-client.ts';
import { copyCatalogueFromWarehouse } from '../../test/support/catalogue-from-warehouse.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';

/**
 * The quotation engine end to end: PostgreSQL for the quotations, and the real scoring API (serving/app.ts) on a
 * random port, serving a small price model trained on a warehouse world whose catalogue is copied to PostgreSQL.
 */
const targets = await postgresTargets();
let ch: ClickHouseClient;
let world: ServingWorld;

before(async () => {
  ch = (await testClickHouse()).client;
  await useClickHouseDatabase(ch, 'engine_world');
  world = await buildServingWorld(ch, { customers: 200, families: ['segmentation', 'price', 'demand'] });
});

for (const target of targets) {
  describe(`quotation engine on ${target.name} PostgreSQL with the real scoring API`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let app: FastifyInstance;
    let scorer: ScoringClient;
    let baseUrl: string;
    let request: QuotationRequest;
    const deps = () => ({ pool: db.pool, scorer, log: quietLog });

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'engine');
      await migrate(db.pool, quietLog);
      await copyCatalogueFromWarehouse(ch, db.pool);
      app = await buildApp({
        config: testConfig(),
        log: quietLog,
        pg: db.pool,
        clickhouse: ch,
        registry: world.registry,
        settings: { modelPollMs: 0, featureTimeoutMs: 5000, requestLogFlushMs: 50 },
      });
      baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
      const key = await createApiKey(db.pool, { name: 'quotation engine (test)', role: 'quotation-engine' });
      scorer = new ScoringClient({ baseUrl, apiKey: key.key, rng: mulberry32(3), policy: { timeoutMs: 10_000 } });
      // A departure 2 to 8 months ahead whose itinerary has a guide and rooms to cost.
      const { rows } = await db.pool.query(
        `SELECT d.itinerary_id, d.departure_date::text AS departure_date FROM departures d
          WHERE d.departure_date BETWEEN current_date + 60 AND current_date + 240
            AND EXISTS (SELECT 1 FROM itinerary_components c WHERE c.itinerary_id = d.itinerary_id AND c.kind = 'guide')
            AND EXISTS (SELECT 1 FROM itinerary_components c WHERE c.itinerary_id = d.itinerary_id AND c.unit = 'per_room')
          ORDER BY d.departure_date, d.id LIMIT 1`,
      );
      assert.equal(rows.length, 1, 'the world has a departure to quote');
      const customer = await db.pool.query('SELECT min(id)::int AS id FROM customers');
      request = checkQuotationRequest({
        customerId: customer.rows[0].id,
        itineraryId: rows[0].itinerary_id,
        departureDate: rows[0].departure_date,
        partySize: 5,
        channel: 'agent',
        language: 'ja',
        members: ['Aiko', 'Botan', 'Chiyo', 'Daiki', 'Eri'].map((name) => ({ name })),
      });
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    it('costs the group, starts cost-plus and records the served model’s suggestion and price table', async () => {
      const created = await createQuotation(deps(), request, 'agent:17');
      assert.equal(created.fallbackReason, null);
      assert.equal(created.priceSource, 'cost_plus');
      assert.ok(created.suggestion, 'a suggestion was recorded');
      assert.equal(created.suggestion.state, 'pending', 'no auto-accept band is configured');
      const suggestion = await getSuggestion(db.pool, created.suggestion.id);
      assert.equal(suggestion.modelVersion, world.versions.price.version);
      assert.ok(suggestion.reasonCodes.length > 0, 'the API explains its price');
      assert.ok(suggestion.suggestedPrice >= suggestion.costTotal * 1.1 - 0.01, 'the margin floor holds');
      assert.deepEqual(
        [suggestion.guardrails?.version, suggestion.guardrails?.ruleId, suggestion.guardrails?.minMargin, suggestion.guardrails?.floor],
        [1, 1, 0.1, Math.round(suggestion.costTotal * 1.1 * 100) / 100],
        'the suggestion keeps the rule it was held to (the migration’s default) and its floor',
      );
      assert.ok(suggestion.lo80 <= suggestion.hi80);
      assert.match(suggestion.featureSnapshotId!, /^fs_/);
      // The stored suggestion carries the feature values it was priced with: every feature, the party it was for,
      // and exactly the values the API's snapshot id names (so the model's input can be replayed from the row).
      assert.deepEqual(Object.keys(suggestion.features).sort(), [...PRICE_FEATURE_NAMES].sort(), JSON.stringify(suggestion.features));
      assert.equal(suggestion.features.group_size, 5);
      assert.equal(featureSnapshotId(suggestion.features), suggestion.featureSnapshotId);

      const quotation = await readQuotation(db.pool, created.quotationId);
      const components = await db.pool.query('SELECT count(*)::int AS n FROM itinerary_components WHERE itinerary_id = $1', [request.itineraryId]);
      assert.equal(quotation.lines.length, components.rows[0].n + 1, 'a line per component plus operational costs');
      const guide = quotation.lines.find((l) => l.kind === 'guide')!;
      assert.match(guide.detail, /ja-speaking guide × 1.6/);
      assert.equal(Math.round(quotation.lines.reduce((s, l) => s + l.amount, 0) * 100), Math.round(quotation.costTotal * 100));
      assert.deepEqual(quotation.priceTable.map((r) => r.minPax), [2, 4, 7, 11]);
      assert.ok(quotation.priceTable.every((r) => r.priceSource === 'model' && r.pricePerPax > r.costPerPax), JSON.stringify(quotation.priceTable));
      assert.equal(quotation.history.length, 1);
      assert.equal(quotation.history[0].changedBy, 'agent:17');

      // The API logged the request under our quotation id, so the suggestion can be replayed and joined.
      let logged = 0;
      for (let i = 0; i < 100 && logged === 0; i++) {
        const r = await ch.query({ query: 'SELECT count() AS n FROM scored_requests WHERE quotation_id = {id:UInt64}', query_params: { id: created.quotationId }, format: 'JSONEachRow' });
        logged = Number((await r.json<{ n: string }>())[0].n);
        if (logged === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.ok(logged >= 1, 'scored request logged with the quotation id');
      // And the stored features are the very values the API priced with, as its own log has them.
      const priced = await ch.query({
        query: `SELECT features FROM scored_requests WHERE quotation_id = {id:UInt64} AND family = 'price' AND feature_snapshot_id = {fs:String} LIMIT 1`,
        query_params: { id: created.quotationId, fs: suggestion.featureSnapshotId! },
        format: 'JSONEachRow',
      });
      const [row] = await priced.json<{ features: string }>();
      assert.ok(row, 'the API logged the features of the stored suggestion');
      assert.deepEqual(suggestion.features, JSON.parse(row.features));
    });

    it('each member sees only their own share', async () => {
      const created = await createQuotation(deps(), request, 'agent:17');
      const quotation = await readQuotation(db.pool, created.quotationId);
      assert.equal(Math.round(quotation.members.reduce((s, m) => s + m.priceShare, 0) * 100), Math.round(quotation.priceTotal * 100));
      for (const member of created.members) {
        const view = await memberQuotation(db.pool, member.accessToken!);
        const own = quotation.members.find((m) => m.id === member.id)!;
        assert.equal(view.member.name, member.name);
        assert.equal(view.member.price, own.priceShare);
        const text = JSON.stringify(view);
        for (const other of created.members.filter((m) => m.id !== member.id)) assert.ok(!text.includes(other.name), `${member.name} must not see ${other.name}`);
        assert.ok(!text.includes(String(quotation.priceTotal)) && !/cost/i.test(Object.keys(view).join()), 'no total, no costs');
      }
      // Five travellers in doubles: the one alone pays more than those sharing.
      const shares = quotation.members.map((m) => m.priceShare);
      assert.ok(shares[4] > shares[0]);
      await assert.rejects(memberQuotation(db.pool, 'qm_not-a-real-token'), (e: Error & { code?: string }) => e.code === 'not_found');
    });

    it("a decision moves the model's price table once: accepting leaves it, an override moves it as far as it moved the suggestion", async () => {
      const table = async (quotationId: number, version: number) =>
        (await db.pool.query(
          `SELECT price_per_pax::float8 AS price, price_source AS source, model_version FROM quotation_price_tables WHERE quotation_id = $1 AND version = $2 ORDER BY min_pax`,
          [quotationId, version],
        )).rows;
      const manager = { name: 'Ana', role: 'pricing-manager' };
      const accepted = await createQuotation(deps(), request, 'agent:17');
      const before = await table(accepted.quotationId, 1);
      assert.ok(before.every((r) => r.source === 'model'), JSON.stringify(before));
      const suggested = (await getSuggestion(db.pool, accepted.suggestion!.id)).suggestedPrice;
      assert.notEqual(suggested, accepted.priceTotal, 'the suggestion moves the cost-plus total');
      await decideSuggestion(db.pool, { suggestionId: accepted.suggestion!.id, action: 'accept', actor: manager });
      assert.deepEqual(await table(accepted.quotationId, 2), before, "each row already is the model's price for its group: accepting the suggestion changes none");

      const overridden = await createQuotation(deps(), request, 'agent:17');
      const modelTable = await table(overridden.quotationId, 1);
      const suggestion = await getSuggestion(db.pool, overridden.suggestion!.id);
      const price = Math.round(suggestion.suggestedPrice * 0.97 * 100) / 100;
      await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price, reason: 'partner rate', actor: manager });
      assert.deepEqual(
        await table(overridden.quotationId, 2),
        modelTable.map((r) => ({ ...r, price: Math.round(r.price * (price / suggestion.suggestedPrice) * 100) / 100, source: 'override' })),
      );
    });

    it('every change is a new version; the history keeps who, why and the price', async () => {
      const created = await createQuotation(deps(), request, 'agent:17');
      const firstSuggestion = created.suggestion!.id;
      const kept = created.members.slice(0, 4).map((m) => ({ id: m.id, name: m.name }));
      const revised = await reviseQuotation(deps(), created.quotationId, { partySize: 4, members: kept, reason: 'Eri cannot travel' }, 'agent:21');
      assert.equal(revised.version, 2);
      assert.notEqual(revised.costTotal, created.costTotal);
      assert.equal((await getSuggestion(db.pool, firstSuggestion)).state, 'superseded');
      await assert.rejects(memberQuotation(db.pool, created.members[4].accessToken!), (e: Error & { code?: string }) => e.code === 'not_found', 'a removed member loses access');
      assert.equal((await memberQuotation(db.pool, created.members[0].accessToken!)).version, 2, 'kept members keep their link');

      const decision = await decideSuggestion(db.pool, { suggestionId: revised.suggestion!.id, action: 'override', price: Math.round(revised.costTotal * 1.4), reason: 'family rate', actor: { name: 'Ana', role: 'pricing-manager' } });
      const quotation = await readQuotation(db.pool, created.quotationId);
      assert.deepEqual(quotation.history.map((h) => [h.version, h.changedBy, h.priceSource]), [[1, 'agent:17', 'cost_plus'], [2, 'agent:21', 'cost_plus'], [3, 'Ana', 'override']]);
      assert.equal(quotation.history[1].changeReason, 'Eri cannot travel');
      assert.equal(quotation.priceTotal, decision.decidedPrice);
      assert.equal(quotation.partySize, 4);
      // The first version's costing is still there, for five.
      const v1 = await db.pool.query(`SELECT party_size FROM quotation_version_details WHERE quotation_id = $1 AND version = 1`, [created.quotationId]);
      assert.equal(v1.rows[0].party_size, 5);
    });

    it('approval and conversion are recorded as events, in order', async () => {
      const created = await createQuotation(deps(), request, 'agent:17');
      await approveQuotation(db.pool, created.quotationId, 'agent:17');
      assert.equal((await getSuggestion(db.pool, created.suggestion!.id)).state, 'superseded', 'an approved price is final');
      const bookingId = await convertToBooking(db.pool, created.quotationId, 'agent:17');
      const booking = await db.pool.query('SELECT quotation_id, total_price::float8 AS price, status FROM bookings WHERE id = $1', [bookingId]);
      assert.equal(Number(booking.rows[0].quotation_id), created.quotationId);
      assert.equal(booking.rows[0].price, created.priceTotal);
      const events = await db.pool.query(`SELECT type, payload FROM outbox_events WHERE aggregate_type = 'quotation' AND aggregate_id = $1 ORDER BY aggregate_seq`, [String(created.quotationId)]);
      assert.deepEqual(events.rows.map((e) => e.type), ['quotation.created', 'quotation.approved']);
      const booked = await db.pool.query(`SELECT payload FROM outbox_events WHERE type = 'booking.created' AND aggregate_id = $1`, [String(bookingId)]);
      assert.equal(booked.rows[0].payload.quotationId, created.quotationId);
      await assert.rejects(convertToBooking(db.pool, created.quotationId, 'agent:17'), (e: Error & { code?: string }) => e.code === 'quotation_closed');
    });

    it('falls back to cost-plus when the API is down, and the quote says so', async () => {
      const created = await createQuotation({ ...deps(), scorer: await unreachableScorer() }, request, 'agent:17');
      assert.equal(created.priceSource, 'cost_plus_fallback');
      assert.match(created.fallbackReason!, /ECONNREFUSED/);
      assert.equal(created.suggestion, null);
      const quotation = await readQuotation(db.pool, created.quotationId);
      assert.equal(quotation.fallback.used, true);
      assert.ok(quotation.priceTable.every((r) => r.priceSource === 'cost_plus_fallback'));
      const markup = await db.pool.query('SELECT cost_plus_markup::float8 AS m FROM quotation_version_details WHERE quotation_id = $1', [created.quotationId]);
      assert.equal(quotation.priceTotal, Math.round(quotation.costTotal * markup.rows[0].m * 100) / 100);
      const suggestions = await db.pool.query('SELECT count(*)::int AS n FROM price_suggestions WHERE quotation_id = $1', [created.quotationId]);
      assert.equal(suggestions.rows[0].n, 0);
      const event = await db.pool.query(`SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'quotation.created'`, [String(created.quotationId)]);
      assert.equal(event.rows[0].payload.fallbackUsed, true);
    });

    it('never records a provisional price for review: with the customer’s features never in, the quote stays cost-plus and says why', async () => {
      const real = warehouseSources(ch);
      const cold = await buildApp({
        config: testConfig(),
        log: quietLog,
        pg: db.pool,
        clickhouse: ch,
        registry: world.registry,
        settings: { modelPollMs: 0, featureTimeoutMs: 50, requestLogFlushMs: 50 },
        sources: { ...real, priceFeatures: () => new Promise<never>(() => undefined), customerFeatures: () => new Promise<never>(() => undefined) },
      });
      try {
        const coldUrl = await cold.listen({ port: 0, host: '127.0.0.1' });
        const key = await createApiKey(db.pool, { name: 'quotation engine (cold API)', role: 'quotation-engine' });
        const coldScorer = new ScoringClient({ baseUrl: coldUrl, apiKey: key.key, rng: mulberry32(4), policy: { timeoutMs: 10_000 } });
        const answer = await coldScorer.scoreQuotation({ itineraryId: request.itineraryId, departureDate: request.departureDate, partySize: 5, cost: 5000, customerId: request.customerId });
        assert.equal(answer.suggestion.provisional, true, 'the API says its price is provisional');
        const created = await createQuotation({ ...deps(), scorer: coldScorer, provisionalWaitsMs: [20, 20] }, request, 'agent:17');
        assert.equal(created.suggestion, null, 'nothing for the review desk');
        assert.equal(created.priceSource, 'cost_plus_fallback');
        assert.match(created.fallbackReason!, /provisional \(not yet available: .*customer_segment/);
        const stored = await db.pool.query('SELECT count(*)::int AS n FROM price_suggestions WHERE quotation_id = $1', [created.quotationId]);
        assert.equal(stored.rows[0].n, 0);
        const quotation = await readQuotation(db.pool, created.quotationId);
        assert.ok(quotation.priceTable.every((r) => r.priceSource === 'cost_plus_fallback'), 'no provisional price in the table either');
      } finally {
        await cold.close();
      }
    });

    it('on an API whose stores are slower than its timeout, the suggestion still has every feature, its demand and pace, and true reasons', async () => {
      const real = warehouseSources(ch);
      const late = <A extends unknown[], T>(f: (...args: A) => Promise<T>) => async (...args: A) => (await new Promise((resolve) => setTimeout(resolve, 300)), f(...args));
      const slow = await buildApp({
        config: testConfig(),
        log: quietLog,
        pg: db.pool,
        clickhouse: ch,
        registry: world.registry,
        settings: { modelPollMs: 0, featureTimeoutMs: 50, requestLogFlushMs: 50 },
        sources: { ...real, priceFeatures: late(real.priceFeatures), customerFeatures: late(real.customerFeatures), demandWindow: late(real.demandWindow) },
      });
      try {
        const slowUrl = await slow.listen({ port: 0, host: '127.0.0.1' });
        const key = await createApiKey(db.pool, { name: 'quotation engine (slow stores)', role: 'quotation-engine' });
        const slowScorer = new ScoringClient({ baseUrl: slowUrl, apiKey: key.key, rng: mulberry32(5), policy: { timeoutMs: 10_000 } });
        const created = await createQuotation({ ...deps(), scorer: slowScorer, provisionalWaitsMs: [200, 500, 1000, 2000] }, request, 'agent:18');
        assert.equal(created.fallbackReason, null);
        const suggestion = await getSuggestion(db.pool, created.suggestion!.id);
        const warm = await scorer.scoreQuotation({ quotationRef: String(created.quotationId), itineraryId: request.itineraryId, departureDate: request.departureDate, partySize: 5, cost: suggestion.costTotal, customerId: request.customerId, channel: 'agent', listPrice: suggestion.currentPrice });
        assert.ok(suggestion.loadFactor !== null, 'demand filled');
        assert.equal(suggestion.pace, warm.pace, 'pace as the warm API has it');
        assert.deepEqual(suggestion.features, warm.suggestion.features, 'the features of a warm answer');
        assert.equal(suggestion.suggestedPrice, warm.suggestion.price);
        for (const r of suggestion.reasonCodes as Array<{ feature: string }>) assert.ok(!suggestion.defaultedFeatures.includes(r.feature), `${r.feature} is cited but defaulted`);
      } finally {
        await slow.close();
      }
    });

    it('a refusal from the API (a wrong key) stops the quote instead of hiding behind cost-plus', async () => {
      const count = async () => (await db.pool.query('SELECT count(*)::int AS n FROM quotations')).rows[0].n;
      const before = await count();
      const wrongKey = new ScoringClient({ baseUrl, apiKey: 'spk_' + 'x'.repeat(43), rng: mulberry32(1) });
      await assert.rejects(createQuotation({ ...deps(), scorer: wrongKey }, request, 'agent:17'), (e: unknown) => e instanceof ScoringRejectedError && e.status === 401);
      assert.equal(await count(), before);
    });

    it('gives the review desk work on a fresh world, once', async () => {
      await db.pool.query(`UPDATE price_suggestions SET state = 'superseded' WHERE state = 'pending'`);
      const work = await ensureReviewWork(deps(), { count: 4, seed: 5 });
      assert.deepEqual(work, { created: 4, pending: 4, autoAccepted: 0, fallback: 0, failed: 0 });
      const queued = await db.pool.query(`SELECT count(*)::int AS n FROM price_suggestions WHERE state = 'pending'`);
      assert.equal(queued.rows[0].n, 4);
      const again = await ensureReviewWork(deps(), { count: 4, seed: 5 });
      assert.equal(again.created, 0);
      assert.equal(again.pending, 4);
    });

    it('gives the review desk only quotations a departure has seats for', async () => {
      // Most upcoming departures down to their last seat: a sample party drawn onto one of them would be refused.
      const nearlyFull = await db.pool.query<{ id: number; seats_sold: number }>(
        `SELECT id, seats_sold FROM departures WHERE status = 'scheduled' AND capacity > seats_sold + 1 AND id % 4 <> 0
            AND departure_date BETWEEN current_date + 14 AND current_date + 270`,
      );
      assert.ok(nearlyFull.rows.length > 0);
      await db.pool.query(`UPDATE departures SET seats_sold = capacity - 1 WHERE id = ANY($1)`, [nearlyFull.rows.map((r) => r.id)]);
      try {
        await db.pool.query(`UPDATE price_suggestions SET state = 'superseded' WHERE state = 'pending'`);
        const work = await ensureReviewWork(deps(), { count: 8, seed: 11 });
        assert.equal(work.failed, 0);
        assert.equal(work.created, 8);
      } finally {
        await db.pool.query(`UPDATE departures d SET seats_sold = v.seats_sold FROM unnest($1::int[], $2::int[]) AS v(id, seats_sold) WHERE d.id = v.id`, [
          nearlyFull.rows.map((r) => r.id),
          nearlyFull.rows.map((r) => r.seats_sold),
        ]);
      }
    });

    it('refuses bad requests with the field at fault and writes nothing', async () => {
      const count = async () => (await db.pool.query('SELECT (SELECT count(*) FROM quotations) + (SELECT count(*) FROM quotation_versions) AS n')).rows[0].n;
      const before = await count();
      const field = (f: string) => (e: Error & { field?: string }) => e.field === f;
      assert.throws(() => checkQuotationRequest({ ...request, partySize: 0 }), field('partySize'));
      assert.throws(() => checkQuotationRequest({ ...request, departureDate: '2031-02-30' }), field('departureDate'));
      assert.throws(() => checkQuotationRequest({ ...request, channel: 'fax' }), field('channel'));
      assert.throws(() => checkQuotationRequest({ ...request, members: [{ name: 'Solo' }] }), field('members'));
      assert.throws(() => checkQuotationRequest({ ...request, discount: 10 }), field('discount'));
      await assert.rejects(createQuotation(deps(), { ...request, itineraryId: 999_999 }, 'agent:17'), field('itineraryId'));
      await assert.rejects(createQuotation(deps(), { ...request, customerId: 999_999_999 }, 'agent:17'), field('customerId'));
      await assert.rejects(createQuotation(deps(), { ...request, rooms: [[0, 1, 2, 3, 4]] }, 'agent:17'), /sleeps at most/);
      // A departure sold out, or with fewer seats left than the party, is no trip to quote.
      const departure = `itinerary_id = $1 AND departure_date = $2`;
      const at = [request.itineraryId, request.departureDate];
      const saved = (await db.pool.query(`SELECT status, seats_sold FROM departures WHERE ${departure}`, at)).rows[0];
      try {
        await db.pool.query(`UPDATE departures SET seats_sold = capacity - 4 WHERE ${departure}`, at);
        await assert.rejects(createQuotation(deps(), request, 'agent:17'), (e: Error & { field?: string }) => e.field === 'departureDate' && /4 seats left, fewer than the party of 5/.test(e.message));
        await db.pool.query(`UPDATE departures SET seats_sold = 0, status = 'closed' WHERE ${departure}`, at);
        await assert.rejects(createQuotation(deps(), request, 'agent:17'), (e: Error & { field?: string }) => e.field === 'departureDate' && /closed \(sold out\)/.test(e.message));
      } finally {
        await db.pool.query(`UPDATE departures SET status = $3, seats_sold = $4 WHERE ${departure}`, [...at, saved.status, saved.seats_sold]);
      }
      // A departure already past is no trip to quote either (it was quoted, and priced cost-plus).
      await assert.rejects(createQuotation(deps(), { ...request, departureDate: '2020-01-01' }, 'agent:17'), (e: Error & { field?: string }) => e.field === 'departureDate' && /has passed/.test(e.message));
      const empty = await db.pool.query(`INSERT INTO itineraries (code, name, destination_id, duration_days, service_level) VALUES ('empty', 'Empty', 1, 1, 'standard') RETURNING id`);
      await assert.rejects(createQuotation(deps(), { ...request, itineraryId: empty.rows[0].id }, 'agent:17'), field('components'));
      assert.equal(await count(), before);
    });
  });
}
