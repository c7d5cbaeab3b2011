import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { generateWorld } from '../../domain/generator/index.ts';
import { migrate } from '../../domain/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { ingestStep } from '../../pipelines/ingest/ingest-step.ts';
import { runInProcess } from '../../pipelines/run-in-process.ts';
import type { Step } from '../../pipelines/step.ts';
import { NIGHTLY_STEPS } from '../../pipelines/steps/index.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { SILENT_CLIENT } from '../../platform/clickhouse.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { freePort } from '../support/free-port.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';
import { OPERATOR_SECRET } from '../security/attacked-api.ts';

/**
 * The known gap of the scoring API: with ClickHouse away, a customer's recommendations were 503 unless their booked
 * list happened to be cached, although nothing of a correct answer needs the warehouse — the model and the catalogue's
 * cards are in memory, and what the warehouse was asked (the customer's bookings, the departures with seats, the home
 * market) the booking system holds, newer. Here a generated world in PostgreSQL is ingested and a recommender
 * trained; the API's ClickHouse then becomes a client of a closed port, as a warehouse that went away mid-run.
 * Answers keep the rules against the booking system as it is now, and the warehouse is used again once it is back.
 */
describe('recommendations while ClickHouse is away', () => {
  let db: TestDatabase;
  let clickhouse: ClickHouseClient;
  let away: ClickHouseClient;
  let reachable = true;
  let app: FastifyInstance;
  let http: HttpClient;
  let engine: string;
  let admin: string;
  let customers: number[];
  const config = testConfig();
  const today = new Date().toISOString().slice(0, 10);

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'warehouse_away');
    await migrate(db.pool, quietLog);
    ({ client: clickhouse } = await testClickHouse());
    await useClickHouseDatabase(clickhouse, 'faults_warehouse_away');
    await migrateWarehouse(clickhouse, quietLog);
    await generateWorld(db.pool, { customers: 200, years: 1, seed: 13, endDate: today, log: quietLog });
    const registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
    const chosen = new Set(['ingest', 'build-features', 'train-recommender', 'evaluate']);
    const steps: Step[] = [ingestStep, ...NIGHTLY_STEPS].filter((s) => chosen.has(s.name)).map((s) => ({ ...s, after: s.after.filter((n) => chosen.has(n)) }));
    const run = async (only: Step[], tag: string) => {
      const runs = await runInProcess(only, { config, log: quietLog, pg: db.pool, clickhouse, registry, runId: `away-${tag}-${Date.now()}`, params: { seed: 1, ingestLagSeconds: 0 } });
      const failed = runs.find((r) => r.status !== 'succeeded');
      if (failed) throw new Error(`step ${failed.step} ${failed.status}: ${failed.error}`);
    };
    await run(steps, 'train');
    // The world ends today, so it differs by the day: its first recommender has scored within 1% of popularity on
    // either side, and one worse than its baseline is left challenger by evaluate. The faults here need a served one,
    // so it is promoted by hand as a person would; evaluate again points the batch readers at it.
    if ((await registry.aliases('recommender')).champion === null) {
      await registry.promote('recommender', 'challenger', 'warehouse-away test: a recommender to serve');
      await run(steps.filter((s) => s.name === 'evaluate').map((s) => ({ ...s, after: [] })), 'evaluate');
    }

    // Customers the recommender knows (they booked before the training), in a stable order.
    const { rows } = await db.pool.query<{ id: string }>(
      `SELECT customer_id AS id FROM bookings WHERE status != 'cancelled' AND itinerary_id IS NOT NULL GROUP BY customer_id HAVING count(*) >= 2 ORDER BY customer_id LIMIT 4`,
    );
    customers = rows.map((r) => Number(r.id));
    engine = (await createApiKey(db.pool, { name: 'engine', role: 'quotation-engine' })).key;
    admin = (await createApiKey(db.pool, { name: 'operator', role: 'admin' })).key;

    // The warehouse the API talks to: the test's ClickHouse, or while "away" a client of a port nothing listens on.
    away = createClient({ url: `http://127.0.0.1:${await freePort()}`, request_timeout: 2000, log: SILENT_CLIENT });
    const warehouse = new Proxy(clickhouse, {
      get(_, property) {
        const client = reachable ? clickhouse : away;
        const value = Reflect.get(client, property);
        return typeof value === 'function' ? value.bind(client) : value;
      },
    });
    app = await buildApp({
      config,
      log: quietLog,
      pg: db.pool,
      clickhouse: warehouse,
      registry,
      settings: { jwtSecret: OPERATOR_SECRET, modelPollMs: 0, requestLogFlushMs: 50 },
    });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await away?.close();
    await db?.drop();
  });

  const recommendations = (customerId: number) => http.call('GET', `/v1/customers/${customerId}/recommendations?k=5`, { key: engine });
  const booked = async (customerId: number) =>
    new Set((await db.pool.query<{ id: string }>(`SELECT DISTINCT itinerary_id::text AS id FROM bookings WHERE customer_id = $1 AND itinerary_id IS NOT NULL AND status != 'cancelled'`, [customerId])).rows.map((r) => r.id));
  const withSeats = async (from: string, to: string) =>
    new Set(
      (await db.pool.query<{ id: string }>(
        `SELECT DISTINCT d.itinerary_id::text AS id FROM departures d JOIN itineraries i ON i.id = d.itinerary_id
          WHERE i.active AND d.departure_date BETWEEN $1 AND $2 AND d.status = 'scheduled' AND d.seats_sold < d.capacity`,
        [from, to],
      )).rows.map((r) => r.id),
    );
  const metric = async (pattern: RegExp) => Number(pattern.exec((await http.call('GET', '/metrics', { key: admin })).text)?.[1] ?? 0);
  const bookingSystemReads = () => metric(/spirit_booking_system_reads_total\{read="booked_now",outcome="answered"\} (\d+)/);

  /** The answer keeps every rule against the booking system as it is now: seats, active, none the customer took. */
  async function assertKeepsTheRules(customerId: number, answer: { status: number; text: string; body: any }) {
    assert.equal(answer.status, 200, `answered while ClickHouse is away: ${answer.text}`);
    const offered: string[] = answer.body.items.map((item: { itineraryId: number }) => String(item.itineraryId));
    assert.ok(offered.length > 0, answer.text);
    const open = await withSeats(answer.body.window.from, answer.body.window.to);
    const took = await booked(customerId);
    assert.deepEqual(offered.filter((id) => !open.has(id)), [], 'only active itineraries with a scheduled departure with seats in the window');
    assert.deepEqual(offered.filter((id) => took.has(id)), [], 'none the customer booked');
    assert.deepEqual(answer.body.defaultedFeatures, [], 'nothing defaulted: the booking system answered what the warehouse did not');
    return offered;
  }

  it('answers from the model, the catalogue in memory and the booking system, newer than any copy', async () => {
    // Nothing of this customer's, nor of this window, was asked while the warehouse answered: nothing is cached.
    const cold = customers[0];
    reachable = false;

    const first = await assertKeepsTheRules(cold, await recommendations(cold));
    // Since the warehouse went away: the customer books the first itinerary offered, and the second one sells out.
    const { rows } = await db.pool.query<{ id: number; departure_date: string }>(
      `SELECT id, departure_date::text FROM departures WHERE itinerary_id = $1 AND departure_date >= $2 AND status = 'scheduled' ORDER BY departure_date LIMIT 1`,
      [Number(first[0]), today],
    );
    await db.pool.query(
      `INSERT INTO bookings (customer_id, itinerary_id, departure_id, departure_date, party_size, status, channel, total_price, booked_at)
       VALUES ($1, $2, $3, $4, 2, 'confirmed', 'web', 3000, now())`,
      [cold, Number(first[0]), rows[0].id, rows[0].departure_date],
    );
    await db.pool.query(`UPDATE departures SET seats_sold = capacity WHERE itinerary_id = $1`, [Number(first[1])]);
    const again = await assertKeepsTheRules(cold, await recommendations(cold));
    assert.ok(!again.includes(first[0]), 'the trip booked during the outage is not offered again');
    assert.ok(!again.includes(first[1]), 'the itinerary sold out during the outage is not offered');
    assert.ok((await bookingSystemReads()) >= 2, 'each read the booking system answered is counted');
  });

  it('answers a customer new to the booking system (not in the warehouse yet) with their home market', async () => {
    const { rows } = await db.pool.query<{ id: string }>(`INSERT INTO customers (name, country) VALUES ('Ana Quispe', 'PE') RETURNING id`);
    const answer = await recommendations(Number(rows[0].id));
    await assertKeepsTheRules(Number(rows[0].id), answer);
    assert.equal(answer.body.personal, false);
    assert.equal((await recommendations(987_654_321)).status, 404, 'an id nobody has is still not found');
  });

  it('answers itineraries like one another', async () => {
    const { rows } = await db.pool.query<{ id: number }>(`SELECT itinerary_id AS id FROM bookings WHERE itinerary_id IS NOT NULL GROUP BY itinerary_id ORDER BY count(*) DESC, itinerary_id LIMIT 1`);
    const similar = await http.call('GET', `/v1/itineraries/${rows[0].id}/similar?k=3`, { key: engine });
    assert.equal(similar.status, 200, similar.text);
    assert.ok(similar.body.items.length > 0);
  });

  it('reads the warehouse again once it is back, by itself', async () => {
    reachable = true;
    const warehouseAnswers = () => metric(/spirit_feature_lookups_total\{kind="availability",source="store"\} (\d+)/);
    const before = await warehouseAnswers();
    const answer = await recommendations(customers[2]);
    assert.equal(answer.status, 200, answer.text);
    const took = await booked(customers[2]);
    assert.deepEqual(answer.body.items.filter((item: { itineraryId: number }) => took.has(String(item.itineraryId))), []);
    // Asked first, as for every request; whether it answers within the feature timeout depends on the machine (the
    // booking system may then answer first, and the warehouse's answer lands in the cache a moment later): its
    // answering at all is what shows it is used again.
    const until = Date.now() + 5000;
    while ((await warehouseAnswers()) <= before && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok((await warehouseAnswers()) > before, 'the warehouse answered again');
  });
});
