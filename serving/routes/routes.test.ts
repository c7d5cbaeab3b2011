import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { customerFeaturesFor } from '../../features/customer-features.ts';
import { priceFeaturesForQuote } from '../../features/price-features-online.ts';
import { readItineraryCatalogue } from '../../features/recommender-catalogue.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { PriceModel } from '../../models/price/price-model.ts';
import { CustomerSegmenter } from '../../models/segmentation/customer-segmenter.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp, type AppDeps } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../../platform/http/roles.ts';
import { warehouseSources } from '../online/warehouse-sources.ts';
import { OnlineCatalogue } from '../online/catalogue.ts';
import type { QuotationInput } from '../online/sources.ts';
import { knownPriceFeatures } from '../../features/price-features-known.ts';
import { knownQuoteFacts } from '../scoring/known-quote-facts.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { buildServingWorld, type ServingWorld } from '../../test/worlds/serving-world.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';

const DAY_MS = 86_400_000;
const inDays = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
/** The Monday of a day's week, where the API's weekly periods start. */
const periodMonday = (day: string) => {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scoring API routes on a small booking world', () => {
  let clickhouse: ClickHouseClient;
  let world: ServingWorld;
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  let deps: AppDeps;
  const keys = {} as Record<Role, string>;
  /** A customer with bookings (known to the models) and their favourite itinerary. */
  let regular: { customerId: number; itineraryId: number };

  before(async () => {
    clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'serving_routes');
    world = await buildServingWorld(clickhouse, { customers: 150, seed: 11 });
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_routes');
    await migrate(db.pool, quietLog);
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) keys[role] = (await createApiKey(db.pool, { name: role, role })).key;
    // The first lookups of a cold cache run the feature SQL; these tests want their answers, not the defaults.
    deps = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse, registry: world.registry, settings: { featureTimeoutMs: 20_000, modelPollMs: 0, requestLogFlushMs: 60_000 } };
    app = await buildApp(deps);
    http = await listen(app);
    const [row] = await queryRows<{ customer_id: string; itinerary_id: number }>(
      clickhouse,
      `SELECT customer_id, argMax(itinerary_id, weight) AS itinerary_id FROM customer_itinerary_interactions GROUP BY customer_id ORDER BY count() DESC, customer_id LIMIT 1`,
    );
    regular = { customerId: Number(row.customer_id), itineraryId: Number(row.itinerary_id) };
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  /** The future departure with the most seats sold (of those not made full by hand below), and its itinerary's level. */
  const fullestDeparture = async () =>
    (
      await queryRows<{ itinerary_id: number; date: string; seats_sold: number; capacity: number; service_level: string }>(
        clickhouse,
        `SELECT d.itinerary_id AS itinerary_id, toString(d.departure_date) AS date, d.seats_sold AS seats_sold, d.capacity AS capacity, i.service_level AS service_level
         FROM departures AS d FINAL INNER JOIN itineraries AS i FINAL ON i.id = d.itinerary_id
         WHERE d.departure_date > today() + 10 AND d.status = 'scheduled' AND d.seats_sold < d.capacity ORDER BY d.seats_sold / d.capacity DESC, d.id LIMIT 1`,
      )
    )[0];

  const quote = (overrides: Record<string, unknown> = {}) => ({ itineraryId: regular.itineraryId, departureDate: inDays(45), partySize: 2, cost: 1800, customerId: regular.customerId, ...overrides });

  describe('POST /v1/prices/suggest', () => {
    it('prices a quotation with the served model and the features/ definitions, with range, reasons and segment', async () => {
      const quotedAt = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
      const response = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ quotationRef: 'Q-77', quotedAt }) } });
      assert.equal(response.status, 200, response.text);
      const [s] = response.body.suggestions;
      assert.equal(s.quotationRef, 'Q-77');
      assert.equal(s.modelVersion, world.versions.price.version);
      assert.ok(s.lo80 < s.modelPrice && s.modelPrice < s.hi80, `${s.lo80} < ${s.modelPrice} < ${s.hi80}`);
      assert.ok(s.price >= 1800 * 1.1 - 0.01, 'never under the margin floor');
      assert.ok(s.reasonCodes.length > 0 && s.reasonCodes.every((r: { text: string }) => /^[+−]USD [\d,]+: /.test(r.text)), JSON.stringify(s.reasonCodes));
      assert.match(s.featureSnapshotId, /^fs_[0-9a-f]{24}$/);
      assert.match(s.featureSource, /^price-features-v1\+segmentation-\d+@/);
      assert.deepEqual(s.segment?.modelVersion, world.versions.segmentation.version);

      // The same features computed outside the API, with the same model, give the same price.
      const model = PriceModel.fromArtifact(await world.registry.loadArtifact(world.versions.price));
      const segmenter = CustomerSegmenter.fromArtifact(await world.registry.loadArtifact(world.versions.segmentation));
      const features = await priceFeaturesForQuote(clickhouse, { ...quote(), costTotal: 1800, quotedAt }, { segmentation: { version: world.versions.segmentation.version, model: segmenter } });
      const [expected] = model.predict([{ features: features.values, cost: 1800 }]);
      assert.ok(Math.abs(expected.mean - s.modelPrice) < 0.01, `offline ${expected.mean} vs served ${s.modelPrice}`);
      assert.deepEqual(s.defaultedFeatures, features.defaulted.filter((f) => f !== 'cost'));
    });

    it('prices a batch in request order, one model version for all', async () => {
      const batch = [1, 2, 3].map((n) => quote({ quotationRef: `B-${n}`, partySize: n * 2, cost: 900 * n }));
      const response = await http.call('POST', '/v1/prices/suggest', { key: keys['pricing-manager'], body: { quotations: batch } });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.suggestions.map((s: { quotationRef: string }) => s.quotationRef), ['B-1', 'B-2', 'B-3']);
      assert.equal(new Set(response.body.suggestions.map((s: { modelVersion: string }) => s.modelVersion)).size, 1);
      assert.ok(response.body.suggestions[2].price > response.body.suggestions[0].price, 'three times the cost, a higher price');
    });

    it('applies the max-change guardrail against the list price and says so', async () => {
      const plain = (await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote() } })).body.suggestions[0];
      const listPrice = Math.round(plain.modelPrice * 0.7);
      const guarded = (await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ listPrice }) } })).body.suggestions[0];
      assert.equal(guarded.guardrail, 'max_change');
      assert.ok(Math.abs(guarded.price - listPrice * 1.25) < 0.02, `${guarded.price} vs ${listPrice * 1.25}`);
      assert.equal(guarded.modelPrice, plain.modelPrice);
    });

    it("prices a departure on the quote's own day in Lima, though UTC's day is already the next", async () => {
      // 20:00 in Lima is 01:00 UTC the next day: a departure that evening's day has not left.
      const departureDate = inDays(40);
      const quotedAt = `${inDays(41)}T01:00:00Z`;
      const response = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ departureDate, quotedAt }) } });
      assert.equal(response.status, 200, response.text.slice(0, 300));
      const before = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ departureDate: inDays(39), quotedAt }) } });
      assert.deepEqual([before.status, before.body.field], [400, 'quotation.departureDate'], before.text.slice(0, 300));
      assert.match(before.body.message, new RegExp(`before the quote \\(${departureDate} in Lima\\)`));
    });

    it('refuses an unknown itinerary, a departure before the quote, and both or neither of quotation/quotations, naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ quotations: [quote(), quote({ departureDate: inDays(-3) })] }, 'quotations[1].departureDate'],
        [{ quotation: quote(), quotations: [quote()] }, 'quotations'],
        [{}, 'quotation'],
        [{ quotations: Array.from({ length: 501 }, () => quote()) }, 'quotations'],
        [{ quotation: { ...quote(), cost: undefined } }, 'quotation.cost'],
        [{ quotation: quote({ partySize: 'two' }) }, 'quotation.partySize'],
        [{ quotation: quote({ partySize: 0 }) }, 'quotation.partySize'],
        [{ quotation: quote({ cost: -5 }) }, 'quotation.cost'],
        [{ quotation: quote({ departureDate: '2026-02-30' }) }, 'quotation.departureDate'],
        [{ quotation: quote({ discount: 10 }) }, 'quotation.discount'],
        [{ quotation: quote({ channel: 'pigeon' }) }, 'quotation.channel'],
        [{ quotation: quote({ features: { 'Bad Name': 1 } }) }, 'quotation.features'],
        // A misspelt what-if is refused, not priced as if it had not been asked.
        [{ quotation: quote({ features: { seasn_score: 9 } }) }, 'quotation.features.seasn_score'],
        [{ quotations: [quote(), quote({ features: { departure_load_factr: 1 } })] }, 'quotations[1].features.departure_load_factr'],
        // A what-if the feature cannot take was priced and explained as a fact ("departure in month 13", "party of 1e+308").
        [{ quotation: quote({ features: { departure_month: 13 } }) }, 'quotation.features.departure_month'],
        [{ quotation: quote({ features: { group_size: 1e308 } }) }, 'quotation.features.group_size'],
        [{ quotation: quote({ features: { service_level: -5 } }) }, 'quotation.features.service_level'],
        [{ quotations: [quote(), quote({ features: { departure_weekday: 2.5 } })] }, 'quotations[1].features.departure_weekday'],
        [{ quotation: quote({ features: { season_score: -1 } }) }, 'quotation.features.season_score'],
        // A single quotation's errors name it as sent, and so does a batch of one.
        [{ quotation: quote({ departureDate: inDays(-3) }) }, 'quotation.departureDate'],
        [{ quotations: [quote({ departureDate: inDays(-3) })] }, 'quotations[0].departureDate'],
        [{ quotation: quote({ quotedAt: '2030-06-30T23:59:60Z' }) }, 'quotation.quotedAt'],
        // Past the warehouse's calendar, the features' date windows would be nonsense (a negative count of departures).
        [{ quotation: quote({ quotedAt: '9999-12-30T00:00:00Z', departureDate: '9999-12-31' }) }, 'quotation.quotedAt'],
        [{ quotation: quote({ departureDate: '2300-01-01' }) }, 'quotation.departureDate'],
        // Before it too: ClickHouse's dates begin in 1900.
        [{ quotation: quote({ quotedAt: '1800-01-01T00:00:00Z', departureDate: '1800-03-01' }) }, 'quotation.quotedAt'],
      ];
      for (const [body, field] of cases) {
        const response = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body });
        assert.equal(response.status, 400, `${field}: ${response.status} ${response.text.slice(0, 200)}`);
        assert.equal(response.body.code, 'invalid_input');
        assert.ok(response.body.field === field || response.body.field?.startsWith(`${field}.`) || (field === 'quotation.features' && response.body.field?.startsWith(field)), `expected field ${field}, got ${response.body.field} (${response.body.message})`);
        assert.ok(response.body.message.includes(response.body.field), response.body.message);
      }
      const unknown = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ itineraryId: 99_999 }) } });
      assert.deepEqual([unknown.status, unknown.body.code, unknown.body.field], [404, 'not_found', 'quotation.itineraryId'], unknown.text);
      const unknownInBatch = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotations: [quote(), quote({ itineraryId: 99_999 })] } });
      assert.deepEqual([unknownInBatch.status, unknownInBatch.body.field], [404, 'quotations[1].itineraryId'], unknownInBatch.text);
      const notJson = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], rawBody: '{"quotation": ', headers: { 'content-type': 'application/json' } });
      assert.deepEqual([notJson.status, notJson.body.code, notJson.body.field], [400, 'invalid_json', 'body'], notJson.text);
      const wrongType = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], rawBody: 'cost=1', headers: { 'content-type': 'text/csv' } });
      assert.equal(wrongType.status, 415);
      const huge = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ quotationRef: 'x'.repeat(2_000_000) }) } });
      assert.deepEqual([huge.status, huge.body.field], [413, 'body']);
    });
  });

  describe('recommendations and similar itineraries', () => {
    it('recommends k itineraries with free seats in the window, none the customer booked in it, within budget', async () => {
      const from = inDays(10);
      const to = inDays(70);
      // Fill every departure of one itinerary in the window: it must disappear from the answers.
      const full = await queryRows<Record<string, unknown>>(clickhouse, `SELECT * EXCEPT (updated_at) FROM departures FINAL WHERE itinerary_id = {it:UInt32} AND departure_date BETWEEN {from:Date} AND {to:Date}`, {
        it: regular.itineraryId,
        from,
        to,
      });
      await clickhouse.insert({ table: 'departures', values: full.map((d) => ({ ...d, seats_sold: d.capacity, updated_at: '2099-01-01 00:00:00' })), format: 'JSONEachRow' });
      const catalogue = new Map((await readItineraryCatalogue(clickhouse)).items.map((i) => [Number(i.itemId), i]));
      const budget = [...catalogue.values()].map((i) => i.price ?? Infinity).sort((a, b) => a - b)[Math.floor(catalogue.size / 2)];
      const response = await http.call('GET', `/v1/customers/${regular.customerId}/recommendations?k=5&from=${from}&to=${to}&budget=${budget}`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      const answer = response.body;
      assert.equal(answer.items.length, 5);
      assert.equal(answer.personal, true);
      assert.equal(answer.modelVersion, world.versions.recommender.version);
      assert.deepEqual(answer.defaultedFeatures, []);
      for (const item of answer.items) {
        assert.notEqual(item.itineraryId, regular.itineraryId, 'a full itinerary is not offered');
        assert.ok((catalogue.get(item.itineraryId)?.price ?? Infinity) <= budget, `itinerary ${item.itineraryId} is over budget`);
        assert.ok(item.explanation.length > 0);
      }
      const booked = await queryRows<{ itinerary_id: number }>(clickhouse, `SELECT DISTINCT itinerary_id FROM bookings FINAL WHERE customer_id = {c:UInt64} AND status != 'cancelled' AND departure_date BETWEEN {from:Date} AND {to:Date}`, { c: regular.customerId, from, to });
      for (const b of booked) assert.ok(!answer.items.some((i: { itineraryId: number }) => i.itineraryId === Number(b.itinerary_id)));
    });

    it('answers a customer the model has not seen from customers like them, and 404 for one that does not exist', async () => {
      const [stranger] = await queryRows<{ id: string }>(clickhouse, `SELECT id FROM customers FINAL WHERE id NOT IN (SELECT customer_id FROM customer_itinerary_interactions) ORDER BY id LIMIT 1`);
      const cold = await http.call('GET', `/v1/customers/${stranger.id}/recommendations?k=3`, { key: keys['quotation-engine'] });
      assert.equal(cold.status, 200, cold.text);
      assert.equal(cold.body.personal, false);
      assert.equal(cold.body.items.length, 3);
      assert.match(cold.body.items[0].explanation, /popular/);
      const missing = await http.call('GET', '/v1/customers/987654321/recommendations', { key: keys['quotation-engine'] });
      assert.deepEqual([missing.status, missing.body.field], [404, 'id']);
    });

    it('answers a window reaching into the past from today, offering no departure that has left, and refuses one wholly past naming from', async () => {
      const today = limaToday();
      const to = inDays(60);
      const response = await http.call('GET', `/v1/customers/${regular.customerId}/recommendations?k=10&from=${inDays(-30)}&to=${to}`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.body.window, { from: today, to });
      assert.ok(response.body.items.length > 0);
      const withSeats = new Set(
        (
          await queryRows<{ id: number }>(
            clickhouse,
            `SELECT DISTINCT itinerary_id AS id FROM departures FINAL WHERE departure_date BETWEEN {today:Date} AND {to:Date} AND status = 'scheduled' AND seats_sold < capacity`,
            { today, to },
          )
        ).map((r) => Number(r.id)),
      );
      for (const item of response.body.items) {
        assert.ok(withSeats.has(item.itineraryId), `itinerary ${item.itineraryId} has no seats from today to ${to}`);
        for (const d of item.nextDepartures) assert.ok(d.date >= today, `itinerary ${item.itineraryId} offers its departure of ${d.date}, which has left`);
      }
      const past = await http.call('GET', `/v1/customers/${regular.customerId}/recommendations?from=${inDays(-30)}&to=${inDays(-2)}`, { key: keys.analyst });
      assert.deepEqual([past.status, past.body.code, past.body.field], [400, 'invalid_input', 'from'], past.text);
      assert.match(past.body.message, /wholly before today/);
    });

    it('serves the catalogue with next departures and seats left, and recommendations as the same cards, leaving out what the customer took', async () => {
      const [it] = await queryRows<{ id: number; name: string; destination: string; days: number; level: string }>(
        clickhouse,
        `SELECT i.id AS id, i.name AS name, d.code AS destination, i.duration_days AS days, i.service_level AS level
         FROM itineraries AS i FINAL INNER JOIN destinations AS d FINAL ON d.id = i.destination_id WHERE i.id != {regular:UInt32} ORDER BY i.id LIMIT 1`,
        { regular: regular.itineraryId },
      );
      const one = await http.call('GET', `/v1/itineraries/${it.id}?departures=3`, { key: keys['quotation-engine'] });
      assert.equal(one.status, 200, one.text);
      assert.deepEqual([one.body.name, one.body.destination.code, one.body.days, one.body.serviceLevel], [it.name, it.destination, it.days, it.level]);
      const next = await queryRows<{ id: number; date: string; left: number }>(
        clickhouse,
        `SELECT id, toString(departure_date) AS date, capacity - seats_sold AS left FROM departures FINAL
         WHERE itinerary_id = {it:UInt32} AND departure_date >= today() AND status = 'scheduled' AND seats_sold < capacity ORDER BY departure_date, id LIMIT 3`,
        { it: it.id },
      );
      assert.ok(next.length > 0);
      assert.deepEqual(one.body.nextDepartures.map((d: { departureId: number; date: string; seatsLeft: number }) => [d.departureId, d.date, d.seatsLeft]), next.map((d) => [Number(d.id), d.date, Number(d.left)]));

      const all = await http.call('GET', '/v1/itineraries?active=false&limit=500', { key: keys.analyst });
      const [count] = await queryRows<{ n: string }>(clickhouse, 'SELECT count() AS n FROM itineraries FINAL');
      assert.equal(all.body.total, Number(count.n));
      const cusco = await http.call('GET', `/v1/itineraries?destination=${it.destination}&serviceLevel=${it.level}`, { key: keys.analyst });
      assert.ok(cusco.body.items.length > 0 && cusco.body.items.every((i: { destination: { code: string }; serviceLevel: string }) => i.destination.code === it.destination && i.serviceLevel === it.level));
      assert.deepEqual([(await http.call('GET', '/v1/itineraries/99999', { key: keys.analyst })).status, (await http.call('GET', '/v1/itineraries/99999', { key: keys.analyst })).body.field], [404, 'id']);
      assert.equal((await http.call('GET', '/v1/itineraries?serviceLevel=deluxe', { key: keys.analyst })).body.field, 'serviceLevel');
      assert.equal((await http.call('GET', '/v1/itineraries')).status, 401);

      const taken = new Set((await queryRows<{ id: number }>(clickhouse, 'SELECT DISTINCT itinerary_id AS id FROM customer_itinerary_interactions WHERE customer_id = {c:UInt64}', { c: regular.customerId })).map((r) => Number(r.id)));
      assert.ok(taken.size > 0);
      const recommended = await http.call('GET', `/v1/customers/${regular.customerId}/recommendations?k=10`, { key: keys.analyst });
      assert.equal(recommended.status, 200, recommended.text);
      for (const item of recommended.body.items) {
        assert.ok(!taken.has(item.itineraryId), `itinerary ${item.itineraryId} was taken by the customer already`);
        assert.ok(item.name.length > 0 && item.days > 0 && ['standard', 'superior', 'luxury'].includes(item.serviceLevel) && item.destination.code.length > 0, JSON.stringify(item));
        assert.ok(Array.isArray(item.nextDepartures) && 'priceFrom' in item && 'nearDuplicateOf' in item);
      }
    });

    it('lists similar itineraries, never the itinerary itself, and 404 for one not in the catalogue', async () => {
      const response = await http.call('GET', `/v1/itineraries/${regular.itineraryId}/similar?k=4`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.items.length, 4);
      assert.ok(response.body.items.every((i: { itineraryId: number }) => i.itineraryId !== regular.itineraryId));
      assert.ok(response.body.items.every((i: { name: string; days: number; nextDepartures: unknown[] }) => i.name.length > 0 && i.days > 0 && Array.isArray(i.nextDepartures)), 'each one a card to offer');
      assert.equal(response.body.modelVersion, world.versions.recommender.version);
      assert.match(response.body.featureSnapshotId, /^fs_/);
      const similarities = response.body.items.map((i: { similarity: number }) => i.similarity);
      assert.deepEqual(similarities, [...similarities].sort((a, b) => b - a));
      assert.equal((await http.call('GET', '/v1/itineraries/99999/similar', { key: keys.analyst })).status, 404);
      const badK = await http.call('GET', `/v1/itineraries/${regular.itineraryId}/similar?k=0`, { key: keys.analyst });
      assert.deepEqual([badK.status, badK.body.field], [400, 'k']);
    });
  });

  describe('segments, demand and destinations', () => {
    it('gives the segment the served segmentation model assigns to the customer’s history now', async () => {
      const response = await http.call('GET', `/v1/customers/${regular.customerId}/segment`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      const segmenter = CustomerSegmenter.fromArtifact(await world.registry.loadArtifact(world.versions.segmentation));
      const features = await customerFeaturesFor(clickhouse, regular.customerId);
      const expected = segmenter.predict([segmenter.featureNames.map((n) => features!.values[n])])[0];
      assert.equal(response.body.segment.id, expected);
      assert.equal(response.body.segment.name, segmenter.profiles()[expected].name);
      assert.equal(response.body.hasHistory, true);
      assert.equal((await http.call('GET', '/v1/customers/987654321/segment', { key: keys.analyst })).status, 404);
      assert.equal((await http.call('GET', '/v1/customers/abc/segment', { key: keys.analyst })).body.field, 'id');
    });

    it('says the history is unknown, not absent, when the customer’s features do not arrive in time', async () => {
      const sources = warehouseSources(clickhouse);
      const slow = await buildApp({
        ...deps,
        settings: { ...deps.settings, featureTimeoutMs: 50 },
        sources: { ...sources, customerFeatures: async (id, at) => (await sleep(1000), sources.customerFeatures(id, at)) },
      });
      // Without the warehouse's answer the booking system says whether the customer exists: this world's is there.
      await db.pool.query(`INSERT INTO customers (id, name, country) VALUES ($1, 'regular', 'US') ON CONFLICT (id) DO NOTHING`, [regular.customerId]);
      try {
        const slowHttp = await listen(slow);
        const response = await slowHttp.call('GET', `/v1/customers/${regular.customerId}/segment`, { key: keys.analyst });
        assert.equal((await slowHttp.call('GET', '/v1/customers/987654321/segment', { key: keys.analyst })).status, 404, 'nobody has this id: not found although the lookup timed out');
        assert.equal(response.status, 200, response.text);
        assert.equal(response.body.hasHistory, null);
        assert.equal(response.body.segment, null);
        assert.ok(response.body.defaultedFeatures.length > 0);
      } finally {
        await slow.close();
      }
    });

    it('forecasts a destination’s window with bounds, and gives its departures’ load factor and pace', async () => {
      const from = inDays(7);
      const to = inDays(63);
      const response = await http.call('GET', `/v1/demand?destination=cusco&from=${from}&to=${to}&granularity=month`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      const outlook = response.body;
      assert.equal(outlook.modelVersion, world.versions.demand.version);
      assert.ok(outlook.forecast.length >= 2 && outlook.forecast.length <= 4, JSON.stringify(outlook.forecast));
      for (const p of outlook.forecast) assert.ok(p.lo95 <= p.lo80 && p.lo80 <= p.mean && p.mean <= p.hi80 && p.hi80 <= p.hi95, JSON.stringify(p));
      const [capacity] = await queryRows<{ c: string }>(
        clickhouse,
        `SELECT sum(d.capacity) AS c FROM departures AS d FINAL JOIN itineraries AS i FINAL ON i.id = d.itinerary_id JOIN destinations AS ds FINAL ON ds.id = i.destination_id
         WHERE ds.code = 'cusco' AND d.departure_date BETWEEN {from:Date} AND {to:Date} AND d.status != 'cancelled'`,
        { from, to },
      );
      assert.equal(outlook.departures.capacity, Number(capacity.c));
      assert.ok(outlook.departures.loadFactor >= 0 && outlook.departures.loadFactor <= 1);
      const weekly = await http.call('GET', `/v1/demand?destination=cusco&from=${from}&to=${to}`, { key: keys.analyst });
      assert.equal(weekly.body.granularity, 'week');
      assert.ok(weekly.body.forecast.length >= 8);
      const total = (rows: Array<{ mean: number }>) => rows.reduce((s, p) => s + p.mean, 0);
      assert.ok(total(weekly.body.forecast) >= total(outlook.forecast) - 1e-6, 'months hold every overlapping week');
      const cases: Array<[string, number, string]> = [
        ['destination=atlantis', 404, 'destination'],
        ['destination=cusco&granularity=day', 400, 'granularity'],
        ['destination=cusco&granularity=hour', 400, 'granularity'],
        [`destination=cusco&from=${to}&to=${from}`, 400, 'to'],
        ['destination=Cusco!', 400, 'destination'],
        ['from=2026-01-01', 400, 'destination'],
      ];
      for (const [query, status, field] of cases) {
        const bad = await http.call('GET', `/v1/demand?${query}`, { key: keys.analyst });
        assert.deepEqual([bad.status, bad.body.field], [status, field], `${query}: ${bad.text}`);
      }
      const hourly = await http.call('GET', '/v1/demand?destination=cusco&granularity=hour', { key: keys.analyst });
      assert.match(hourly.body.message, /granularity must be one of day, week, month/, 'the error lists the allowed values');
    });

    it('compares a window already under way with the same window by the same date last year, not with its final count', async () => {
      const today = limaToday();
      const yearAgo = (day: string) => `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
      const pace = async (from: string, to: string) => {
        const response = await http.call('GET', `/v1/demand?destination=cusco&from=${from}&to=${to}&granularity=month`, { key: keys.analyst });
        assert.equal(response.status, 200, response.text);
        return response.body.departures.pace;
      };
      // The last window is longer than a year: it overlaps last year's, whose departures count in both.
      for (const [from, to] of [[inDays(-10), inDays(60)], [today, inDays(60)], [inDays(10), inDays(60)], [inDays(-200), inDays(300)]]) {
        const got = await pace(from, to);
        assert.equal(got.yearsBack, 1, JSON.stringify(got));
        const [then] = await queryRows<{ by_then: string; final: string }>(
          clickhouse,
          `SELECT sumIf(bk.party_size, toDate(bk.booked_at, 'America/Lima') <= {asOf:Date}) AS by_then, sum(bk.party_size) AS final
             FROM bookings AS bk FINAL JOIN destinations AS ds FINAL ON ds.id = bk.destination_id
            WHERE ds.code = 'cusco' AND bk.status != 'cancelled' AND bk.departure_date BETWEEN {from:Date} AND {to:Date}`,
          { asOf: yearAgo(today), from: yearAgo(from), to: yearAgo(to) },
        );
        assert.equal(got.bookedLastYear, Number(then.by_then), `from ${from}: last year by ${yearAgo(today)}`);
        assert.ok(Number(then.by_then) < Number(then.final), 'last year went on selling after that date: the test can tell the two apart');
        // Last year's final count, scaled by the pace: the whole of last year's window, overlap included.
        const [now] = await queryRows<{ booked: string }>(
          clickhouse,
          `SELECT sum(bk.party_size) AS booked FROM bookings AS bk FINAL JOIN destinations AS ds FINAL ON ds.id = bk.destination_id
            WHERE ds.code = 'cusco' AND bk.status != 'cancelled' AND bk.departure_date BETWEEN {from:Date} AND {to:Date} AND toDate(bk.booked_at, 'America/Lima') <= {asOf:Date}`,
          { asOf: today, from, to },
        );
        const projected = Math.max(Number(now.booked), (Number(then.final) * (Number(now.booked) + 1)) / (Number(then.by_then) + 1));
        assert.ok(Math.abs(got.projectedFinal - projected) < 0.06, `from ${from} to ${to}: projected ${got.projectedFinal}, expected ${projected}`);
      }
    });

    it('labels a period the window cuts with the days it covers, and refuses a window before the warehouse calendar', async () => {
      const whole = await http.call('GET', `/v1/demand?destination=cusco&from=${inDays(14)}&to=${inDays(70)}&granularity=week`, { key: keys.analyst });
      assert.equal(whole.status, 200, whole.text);
      const week = whole.body.forecast.find((p: { days: number }) => p.days === 7);
      assert.ok(week, JSON.stringify(whole.body.forecast.slice(0, 3)));
      // The same week from its third day on: a shorter row that starts where the window does.
      const third = new Date(Date.parse(`${week.start}T00:00:00Z`) + 2 * DAY_MS).toISOString().slice(0, 10);
      const cut = await http.call('GET', `/v1/demand?destination=cusco&from=${third}&to=${inDays(70)}&granularity=week`, { key: keys.analyst });
      assert.equal(cut.status, 200, cut.text);
      const first = cut.body.forecast[0];
      if (whole.body.granularity === 'week' && first.days < 7) {
        assert.equal(first.start, third);
        assert.equal(first.days, 5);
        assert.ok(first.mean < week.mean, 'five days forecast less than the week');
      } else {
        // A weekly model counts the week whole: the row says so.
        assert.deepEqual([first.start, first.days], [week.start, 7]);
      }
      for (const p of whole.body.forecast) assert.ok(p.days >= 1 && p.days <= 7, JSON.stringify(p));
      const ancient = await http.call('GET', '/v1/demand?destination=cusco&from=0001-01-01&to=0001-02-01', { key: keys.analyst });
      assert.deepEqual([ancient.status, ancient.body.field], [400, 'from'], ancient.text);
    });

    it('says where the forecast starts, and claims no expected load factor for a window it does not reach', async () => {
      const past = await http.call('GET', `/v1/demand?destination=cusco&from=${inDays(-200)}&to=${inDays(-100)}`, { key: keys.analyst });
      assert.equal(past.status, 200, past.text);
      assert.deepEqual(past.body.forecast, []);
      assert.ok(past.body.forecastFrom > inDays(-100), `the forecast starts after the window: ${past.body.forecastFrom}`);
      assert.ok(past.body.departures.count > 0, "the window's departures are still there");
      assert.equal(past.body.departures.expectedLoadFactor, null, 'what sold is the load factor; nothing is expected of the past');
      const straddling = await http.call('GET', `/v1/demand?destination=cusco&from=${inDays(-30)}&to=${inDays(30)}&granularity=week`, { key: keys.analyst });
      assert.equal(straddling.status, 200, straddling.text);
      assert.ok(straddling.body.forecastFrom > inDays(-30));
      assert.ok(straddling.body.forecast.every((p: { start: string }) => p.start >= periodMonday(straddling.body.forecastFrom)), JSON.stringify(straddling.body.forecast.slice(0, 2)));
    });

    it('reports bookings and revenue per destination from the warehouse', async () => {
      const response = await http.call('GET', `/v1/destinations?from=${inDays(-400)}&to=${inDays(0)}`, { key: keys.analyst });
      assert.equal(response.status, 200, response.text);
      const [cusco] = await queryRows<{ revenue: number; bookings: string }>(
        clickhouse,
        `SELECT sum(toFloat64(total_price)) AS revenue, count() AS bookings FROM bookings FINAL WHERE destination_id = 1 AND status != 'cancelled' AND departure_date BETWEEN {from:Date} AND {to:Date}`,
        { from: inDays(-400), to: inDays(0) },
      );
      const row = response.body.destinations.find((d: { code: string }) => d.code === 'cusco');
      assert.equal(row.bookings, Number(cusco.bookings));
      assert.ok(Math.abs(row.revenue - cusco.revenue) < 0.01);
      assert.deepEqual(response.body.destinations.map((d: { revenue: number }) => d.revenue), [...response.body.destinations.map((d: { revenue: number }) => d.revenue)].sort((a, b) => b - a));
    });
  });

  describe('POST /v1/quotations/score', () => {
    it('answers price, demand around the departure and alternatives in one call', async () => {
      const response = await http.call('POST', '/v1/quotations/score', { key: keys['quotation-engine'], body: { quotation: quote({ quotationRef: '4711' }), alternatives: 2 } });
      assert.equal(response.status, 200, response.text);
      const { price, demand, alternatives, unavailable } = response.body;
      assert.equal(price.modelVersion, world.versions.price.version);
      assert.equal(demand.modelVersion, world.versions.demand.version);
      assert.equal(alternatives.items.length, 2);
      assert.ok(alternatives.items.every((i: { itineraryId: number }) => i.itineraryId !== regular.itineraryId));
      assert.deepEqual(unavailable, []);
    });

    it('still prices a departure further ahead than the demand model forecasts, demand null and said why', async () => {
      const response = await http.call('POST', '/v1/quotations/score', { key: keys['quotation-engine'], body: { quotation: quote({ departureDate: inDays(16 * 366) }), alternatives: 0 } });
      assert.equal(response.status, 200, response.text);
      assert.equal(response.body.price.modelVersion, world.versions.price.version);
      assert.equal(response.body.demand, null);
      assert.deepEqual(response.body.unavailable.map((u: { family: string }) => u.family), ['demand']);
      assert.match(response.body.unavailable[0].message, /periods ahead/);
    });
  });

  describe('request log, replay, cache and operations', () => {
    it('logs every scored item to ClickHouse, and a logged suggestion replays to the same price', async () => {
      // Each answer names the id it was logged under; ours, whatever X-Request-Id the caller sent.
      const original = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: quote({ quotationRef: 'Q-900', partySize: 3 }) }, headers: { 'x-request-id': 'engine-chosen-id' } });
      const requestId = original.headers.get('x-request-id')!;
      assert.match(requestId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const segmented = await http.call('GET', `/v1/customers/${regular.customerId}/segment`, { key: keys.analyst });
      const recommendationsPath = `/v1/customers/${regular.customerId}/recommendations?k=3&from=${inDays(100)}&to=${inDays(130)}`;
      const recommended = await http.call('GET', recommendationsPath, { key: keys.analyst });
      // Asked again with every input cached: the remembered answer, sent and logged from its encodings.
      const recommendedAgain = await http.call('GET', recommendationsPath, { key: keys.analyst });
      const [recsId, recsAgainId] = [recommended.headers.get('x-request-id')!, recommendedAgain.headers.get('x-request-id')!];
      assert.deepEqual(recommendedAgain.body, recommended.body);
      assert.equal(recommendedAgain.headers.get('content-type'), 'application/json; charset=utf-8');
      await app.close();
      app = await buildApp(deps);
      http = await listen(app);
      const [logged] = await queryRows<{ model_version: string; feature_snapshot_id: string; request: string; features: string; response: string; caller_role: string; quotation_id: string; family: string }>(
        clickhouse,
        `SELECT * FROM scored_requests WHERE request_id = {id:String}`,
        { id: requestId },
      );
      assert.ok(logged, 'closing the app wrote the buffered log');
      assert.deepEqual([logged.family, logged.model_version, logged.caller_role, Number(logged.quotation_id)], ['price', world.versions.price.version, 'quotation-engine', 900]);
      assert.equal(logged.feature_snapshot_id, original.body.suggestions[0].featureSnapshotId);
      const [segmentRow] = await queryRows<{ family: string }>(clickhouse, `SELECT family FROM scored_requests WHERE request_id = {id:String}`, { id: segmented.headers.get('x-request-id')! });
      assert.equal(segmentRow.family, 'segmentation');
      // A recommendation logs its availability as a snapshot id; the list is in the log once, under that id.
      const recsRows = await queryRows<{ request_id: string; features: string; response: string; request: string; model_version: string }>(
        clickhouse,
        `SELECT request_id, features, response, request, model_version FROM scored_requests WHERE request_id IN ({ids:Array(String)}) AND family = 'recommender'`,
        { ids: [recsId, recsAgainId] },
      );
      assert.deepEqual(recsRows.map((r) => r.request_id).sort(), [recsId, recsAgainId].sort());
      const recsRow = recsRows.find((r) => r.request_id === recsId)!;
      const recsAgainRow = recsRows.find((r) => r.request_id === recsAgainId)!;
      assert.deepEqual(JSON.parse(recsAgainRow.features), JSON.parse(recsRow.features));
      assert.deepEqual(JSON.parse(recsAgainRow.request), JSON.parse(recsRow.request));
      assert.equal(recsAgainRow.model_version, world.versions.recommender.version);
      assert.deepEqual(JSON.parse(recsRow.response).items, recommended.body.items.map((item: { itineraryId: number; score: number }) => [item.itineraryId, item.score]));
      assert.deepEqual(JSON.parse(recsAgainRow.response), JSON.parse(recsRow.response));
      const availableId = JSON.parse(recsRow.features).available as string;
      const lists = await queryRows<{ features: string }>(clickhouse, `SELECT features FROM scored_requests WHERE family = 'availability' AND feature_snapshot_id = {id:String}`, { id: availableId });
      assert.equal(lists.length, 1);
      const available = new Set(JSON.parse(lists[0].features) as string[]);
      for (const item of recommended.body.items) assert.ok(available.has(String(item.itineraryId)));

      const replayed = await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: { ...JSON.parse(logged.request), features: JSON.parse(logged.features) } } });
      const again = replayed.body.suggestions[0];
      assert.equal(again.modelPrice, JSON.parse(logged.response).modelPrice);
      assert.equal(again.featureSnapshotId, logged.feature_snapshot_id);
    });

    it('answers within the timeout when the feature store is slow, naming the defaulted features, then serves the late values', async () => {
      const real = warehouseSources(clickhouse);
      const slow = {
        ...real,
        priceFeatures: async (...args: Parameters<typeof real.priceFeatures>) => (await sleep(600), real.priceFeatures(...args)),
        customerFeatures: async (...args: Parameters<typeof real.customerFeatures>) => (await sleep(600), real.customerFeatures(...args)),
      };
      const slowApp = await buildApp({ ...deps, sources: slow, settings: { ...deps.settings, featureTimeoutMs: 80 } });
      const client = await listen(slowApp);
      try {
        const body = { quotation: quote({ partySize: 5, cost: 2500 }) };
        // The catalogue is in memory from the start: only the customer's history is late.
        const started = performance.now();
        const first = await client.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body });
        const ms = performance.now() - started;
        assert.equal(first.status, 200, first.text);
        assert.ok(ms < 500, `answered in ${ms.toFixed(0)} ms while the store takes 600`);
        const defaulted = first.body.suggestions[0].defaultedFeatures;
        assert.ok(defaulted.includes('customer_segment'), defaulted.join(','));
        assert.equal(first.body.suggestions[0].provisional, true);
        assert.ok(!['group_size', 'lead_time_days', 'service_level', 'destination_popularity'].some((f) => defaulted.includes(f)), 'what the request and the catalogue say is never defaulted');
        // The lookup goes on after the answer and fills the cache for the next request.
        let later = first;
        for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(200)) {
          later = await client.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body });
          if (!later.body.suggestions[0].provisional) break;
        }
        assert.equal(later.body.suggestions[0].provisional, false, 'the late answer filled the cache');
      } finally {
        await slowApp.close();
      }
    });

    it('computes from the request and the catalogue in memory the same values the feature SQL does, so they never wait on a cache', async () => {
      const catalogue = new OnlineCatalogue(warehouseSources(clickhouse), quietLog, 0);
      await catalogue.start();
      const booked = await fullestDeparture();
      const onDeparture = quote({ itineraryId: booked.itinerary_id, departureDate: booked.date, partySize: 3, customerId: undefined });
      for (const q of [quote(), quote({ departureDate: inDays(200), partySize: 7 }), quote({ departureDate: inDays(3), customerId: undefined }), onDeparture]) {
        const asOf = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
        const itinerary = catalogue.itinerary(q.itineraryId as number)!;
        const quotation = { itineraryId: q.itineraryId, departureDate: q.departureDate as string, partySize: q.partySize as number, cost: q.cost, customerId: q.customerId as number | undefined, quotedAt: asOf };
        const known = knownPriceFeatures(knownQuoteFacts(quotation as QuotationInput, asOf, itinerary, catalogue)).values;
        const fromSql = await priceFeaturesForQuote(clickhouse, { ...quotation, costTotal: q.cost });
        for (const [name, value] of Object.entries(known)) assert.ok(Math.abs(value - fromSql.values[name]) < 1e-9, `${name}: ${value} vs SQL ${fromSql.values[name]} for ${JSON.stringify(q)}`);
        const history = q.customerId === undefined ? [] : ['customer_segment'];
        assert.deepEqual(Object.keys(fromSql.values).filter((name) => !(name in known)), history, 'only the customer’s history is left to the warehouse');
      }
    });

    it('counts the competition around a past departure in the warehouse, as training does, not in the week of departures the catalogue holds', async () => {
      // A departure months back whose destination had others within the week either side.
      const [past] = await queryRows<{ itinerary_id: number; date: string; competition: string }>(
        clickhouse,
        `WITH schedule AS (SELECT o.id AS id, o.itinerary_id AS itinerary_id, o.departure_date AS date, oi.destination_id AS destination_id
                           FROM departures AS o FINAL INNER JOIN itineraries AS oi FINAL ON oi.id = o.itinerary_id)
         SELECT d.itinerary_id AS itinerary_id, toString(d.date) AS date, countIf(o.date BETWEEN d.date - 7 AND d.date + 7) AS competition
         FROM schedule AS d INNER JOIN schedule AS o ON o.destination_id = d.destination_id
         WHERE d.date BETWEEN today() - 300 AND today() - 60
         GROUP BY d.id, d.itinerary_id, d.date
         ORDER BY competition DESC, d.id LIMIT 1`,
      );
      assert.ok(Number(past.competition) > 0, 'the world has a past departure with others around it');
      const quotedAt = new Date(Date.parse(`${past.date}T10:00:00Z`) - 40 * DAY_MS).toISOString();
      const body = { quotation: quote({ itineraryId: past.itinerary_id, departureDate: past.date, partySize: 4, cost: 2000, customerId: undefined, quotedAt }) };
      const [s] = (await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body })).body.suggestions;
      assert.equal(s.features.competition_index, Number(past.competition), `competition around ${past.date}`);
      assert.ok(!s.defaultedFeatures.includes('competition_index'), s.defaultedFeatures.join(','));
      const fromSql = await priceFeaturesForQuote(clickhouse, { itineraryId: past.itinerary_id, departureDate: past.date, partySize: 4, quotedAt, customerId: null, costTotal: 2000 });
      assert.equal(s.features.competition_index, fromSql.values.competition_index, 'the training definition');
    });

    it('gives the same price cold and warm; reasons name the trip’s real service level and seats sold; a price missing features is provisional', async () => {
      const booked = await fullestDeparture();
      const real = warehouseSources(clickhouse);
      // A feature store that never answers: every cached lookup of this API stays cold.
      const never = () => new Promise<never>(() => undefined);
      const cold = await buildApp({ ...deps, sources: { ...real, priceFeatures: never, customerFeatures: never }, settings: { ...deps.settings, featureTimeoutMs: 50 } });
      const coldHttp = await listen(cold);
      try {
        const walkIn = { quotation: quote({ itineraryId: booked.itinerary_id, departureDate: booked.date, partySize: 3, cost: 2400, customerId: undefined }) };
        const coldAnswer = (await coldHttp.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: walkIn })).body.suggestions[0];
        const warmAnswer = (await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: walkIn })).body.suggestions[0];
        assert.equal(coldAnswer.price, warmAnswer.price, 'cold and warm agree');
        assert.deepEqual(coldAnswer.features, warmAnswer.features);
        assert.equal(coldAnswer.provisional, false);
        assert.ok(booked.seats_sold > 0);
        const level = ['standard', 'superior', 'luxury'].indexOf(booked.service_level);
        assert.equal(coldAnswer.features.service_level, level, 'the itinerary’s service level, not a default');
        assert.ok(Math.abs(coldAnswer.features.departure_load_factor - booked.seats_sold / booked.capacity) < 1e-9, `load factor ${coldAnswer.features.departure_load_factor} vs ${booked.seats_sold}/${booked.capacity} seats sold`);
        for (const r of coldAnswer.reasonCodes as Array<{ feature: string; text: string }>) {
          if (r.feature === 'service_level') assert.match(r.text, new RegExp(`: ${booked.service_level} service$`));
          if (r.feature === 'departure_load_factor') assert.match(r.text, new RegExp(`: departure ${Math.round((100 * booked.seats_sold) / booked.capacity)}% booked$`));
          assert.ok(!coldAnswer.defaultedFeatures.includes(r.feature), `${r.feature} is a default, not a reason`);
        }

        // A known customer's segment needs the warehouse: cold, the price says it is provisional and cites no default.
        const regularQuote = { quotation: quote({ itineraryId: booked.itinerary_id, departureDate: booked.date, partySize: 3, cost: 2400 }) };
        const provisional = (await coldHttp.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: regularQuote })).body.suggestions[0];
        assert.equal(provisional.provisional, true);
        assert.ok(provisional.defaultedFeatures.includes('customer_segment'), provisional.defaultedFeatures.join(','));
        assert.ok(provisional.reasonCodes.every((r: { feature: string }) => r.feature !== 'customer_segment'), JSON.stringify(provisional.reasonCodes));
        const warm = (await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: regularQuote })).body.suggestions[0];
        assert.equal(warm.provisional, false);
      } finally {
        await cold.close();
      }
    });

    it('is ready once every family has a model being served', async () => {
      const ready = await http.call('GET', '/ready');
      assert.deepEqual({ status: ready.status, body: ready.body }, { status: 200, body: { ready: true, reasons: [], warnings: [] } });
      const details = await http.call('GET', '/v1/admin/readiness', { key: keys.admin });
      assert.deepEqual(details.body.models.map((m: { family: string; serving: string }) => [m.family, m.serving]).sort(), Object.entries(world.versions).map(([f, v]) => [f, v.version]).sort());
    });

    it('documents every route, with who may call it, at /docs', async () => {
      const docs = await http.call('GET', '/docs/json');
      const paths = Object.keys(docs.body.paths);
      for (const path of ['/v1/prices/suggest', '/v1/quotations/score', '/v1/customers/{id}/recommendations', '/v1/itineraries/{id}/similar', '/v1/customers/{id}/segment', '/v1/demand', '/v1/destinations', '/v1/itineraries', '/v1/itineraries/{id}', '/v1/admin/models', '/health', '/ready']) {
        assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
      }
      const suggest = docs.body.paths['/v1/prices/suggest'].post;
      assert.match(suggest.description, /Roles: quotation-engine, pricing-manager, admin/);
      assert.deepEqual(suggest.security, [{ apiKey: [] }, { bearer: [] }]);
      assert.equal((await http.call('GET', '/docs')).status, 200);
    });

    it('counts scored items per model version in /metrics', async () => {
      const scored = (text: string) => Number(new RegExp(`spirit_scored_items_total\\{family="price",version="${world.versions.price.version}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
      const before = scored((await http.call('GET', '/metrics', { key: keys.admin })).text);
      await http.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotations: [quote(), quote()] } });
      const text = (await http.call('GET', '/metrics', { key: keys.admin })).text;
      assert.equal(scored(text), before + 2);
      assert.match(text, new RegExp(`spirit_model_loaded\\{family="demand",version="${world.versions.demand.version}"\\} 1`));
      assert.match(text, /spirit_http_request_duration_seconds_bucket\{route="\/v1\/prices\/suggest",method="POST",le="0.01"\} \d+/);
    });
  });
});
