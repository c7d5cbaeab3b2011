import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import { generateWorld } from '../../domain/generator/index.ts';
import { eraseCustomer } from '../../domain/personal-data/erase-customer.ts';
import { importBookings } from '../../domain/import/import-bookings.ts';
import { parseMapping } from '../../domain/import/mapping.ts';
import { personalData } from '../../domain/personal-data/personal-data-plugin.ts';
import { cliActor, readAudit } from '../../platform/audit-log.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import { exportCustomer } from '../../domain/personal-data/export-customer.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { ingestStep } from '../../pipelines/ingest/ingest-step.ts';
import { runInProcess } from '../../pipelines/run-in-process.ts';
import type { Step } from '../../pipelines/step.ts';
import { NIGHTLY_STEPS } from '../../pipelines/steps/index.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import { listen, type HttpClient } from '../support/http-client.ts';
import { OPERATOR_SECRET } from '../security/attacked-api.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../support/services.ts';

/**
 * A customer's right to erasure, end to end: a generated world in PostgreSQL, ingested twice (so ClickHouse holds
 * an old version of the customer as well as the newest), models trained, the API serving and logging requests.
 * After `POST /v1/customers/:id/erasure` nothing in any store, log, event or artefact names the customer, their
 * recommendations are no longer personal at once, and neither a later ingest nor the next training brings them back.
 */
describe('erasing a customer', () => {
  let db: TestDatabase;
  let clickhouse: ClickHouseClient;
  let registry: ModelRegistry;
  let registryDir: string;
  let app: FastifyInstance;
  let http: HttpClient;
  let admin: string;
  let engine: string;
  let customer: { id: number; name: string; email: string; ref: string };
  const config = testConfig();

  const run = async (names: string[]) => {
    const chosen = new Set(names);
    const steps: Step[] = [ingestStep, ...NIGHTLY_STEPS].filter((s) => chosen.has(s.name)).map((s) => ({ ...s, after: s.after.filter((n) => chosen.has(n)) }));
    const runs = await runInProcess(steps, { config, log: quietLog, pg: db.pool, clickhouse, registry, runId: `erasure-${Date.now()}`, params: { seed: 1, ingestLagSeconds: 0 } });
    const failed = runs.find((r) => r.status !== 'succeeded');
    if (failed) throw new Error(`step ${failed.step} ${failed.status}: ${failed.error}`);
  };

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'erasure');
    ({ client: clickhouse } = await testClickHouse());
    await useClickHouseDatabase(clickhouse, 'customer_erasure');
    await migrateWarehouse(clickhouse, quietLog);
    // A world up to today: recommendations offer only departures that have not left (Lima's day).
    await generateWorld(db.pool, { customers: 300, years: 2, seed: 11, endDate: limaToday(), log: quietLog });
    registryDir = tempDir('registry');
    registry = ModelRegistry.open(pathToFileURL(registryDir).href);
    await run(['ingest', 'build-features', 'train-segments', 'train-recommender', 'train-price', 'evaluate']);
    // In a world this small the first recommender can fall short of popularity on its 90 held-out customers
    // (ndcg10 0.2236 against 0.2270 in the world of seed 11 ending 2025-07-01), and evaluate then leaves it challenger, unserved. Erasure needs
    // a served recommender, so it is promoted by hand as a person would; evaluate again points the batch readers at it.
    if ((await registry.aliases('recommender')).champion === null) {
      await registry.promote('recommender', 'challenger', 'erasure test: a recommender to serve');
      await run(['evaluate']);
    }

    // A customer the recommender knows, with a name nobody else has.
    const { rows } = await db.pool.query<{ id: string; name: string; email: string; external_ref: string }>(
      `SELECT c.id, c.name, c.email, c.external_ref FROM customers c JOIN bookings b ON b.customer_id = c.id
        WHERE c.email IS NOT NULL AND c.external_ref IS NOT NULL AND (SELECT count(*) FROM customers o WHERE o.name = c.name) = 1
        GROUP BY c.id HAVING count(*) >= 2 ORDER BY c.id LIMIT 1`,
    );
    customer = { id: Number(rows[0].id), name: rows[0].name, email: rows[0].email, ref: rows[0].external_ref };
    // Free text that names them, as people write it, and an older e-mail that ClickHouse keeps as an old version.
    await db.pool.query(`UPDATE ratings SET comment = $2 WHERE customer_id = $1`, [customer.id, `Great trip, ${customer.name}`]);
    const imported = await db.pool.query<{ id: string }>(`INSERT INTO imports (kind, file_name, file_sha256, mapping, status) VALUES ('bookings', 'b.csv', repeat('a', 64), '{}', 'finished') RETURNING id`);
    await db.pool.query(`INSERT INTO import_rejects (import_id, line_number, field, reason, raw_line) VALUES ($1, 7, 'departure_date', 'not a date', $2)`, [imported.rows[0].id, `${customer.name};${customer.email};31/02/2025`]);
    // Lines that name them as people type it: another case, surname first, or only by their outside reference.
    // And a bystander's line, which stays.
    for (const [line, raw] of [`${customer.name.toUpperCase()};;31/02/2025`, `${surnameFirst(customer.name)};x;2025-13-01`, `${customer.ref};;;not-a-date`, `${BYSTANDER};;31/02/2025`].entries()) {
      await db.pool.query(`INSERT INTO import_rejects (import_id, line_number, field, reason, raw_line) VALUES ($1, $2, 'departure_date', 'not a date', $3)`, [imported.rows[0].id, 8 + line, raw]);
    }
    // What they wrote to the chat front end, as a consenting customer's message is kept.
    const session = await db.pool.query<{ id: string }>(`INSERT INTO chat_sessions (session_hash, customer_id) VALUES (repeat('b', 64), $1) RETURNING id`, [customer.id]);
    await db.pool.query(
      `INSERT INTO chat_messages (session_id, customer_id, text, text_withheld, language, understood, intent, confidence, tone, entities, missing, model_version)
       VALUES ($1, $2, $3, false, 'es', true, 'quotation_request', 0.9, 'neutral', '{}', '{}', 'nlu-000001')`,
      [session.rows[0].id, customer.id, `Hola, soy ${customer.name}, escríbanme a ${customer.email}`],
    );
    await run(['ingest']);
    await db.pool.query(`UPDATE customers SET email = $2 WHERE id = $1`, [customer.id, `new.${customer.email}`]);
    await run(['ingest']);

    const keys = await Promise.all([createApiKey(db.pool, { name: 'dpo', role: 'admin' }), createApiKey(db.pool, { name: 'engine', role: 'quotation-engine' })]);
    admin = keys[0].key;
    engine = keys[1].key;
    app = await buildApp({
      config,
      log: quietLog,
      pg: db.pool,
      clickhouse,
      registry,
      settings: { jwtSecret: OPERATOR_SECRET, modelPollMs: 0, featureTimeoutMs: 2000, requestLogFlushMs: 20 },
      plugins: [personalData({ pg: db.pool, clickhouse })],
    });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  const recommendations = () => http.call('GET', `/v1/customers/${customer.id}/recommendations?k=5`, { key: engine });

  const textFiles = (dir: string): string[] => {
    const found: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) found.push(...textFiles(full));
      else {
        const raw = fs.readFileSync(full);
        found.push(`${full}\n${raw.toString('latin1')}\n${full.endsWith('.gz') || raw[0] === 0x1f ? zlib.gunzipSync(raw).toString('utf8') : ''}`);
      }
    }
    return found;
  };

  const segment = () => http.call('GET', `/v1/customers/${customer.id}/segment`, { key: engine });
  const surnameFirst = (name: string) => name.split(' ').reverse().join(', ');
  const BYSTANDER = 'Zacarías Quispe Mamani';
  /** Rows derived from the customer for training and batch answers, per table (every segments version). */
  const derivedRows = async (): Promise<Record<string, number>> => {
    const counts: Record<string, number> = {};
    for (const table of ['customer_features', 'price_training_rows', 'customer_segments']) {
      const r = await clickhouse.query({ query: `SELECT count() AS n FROM ${table} WHERE customer_id = {id:UInt64}`, query_params: { id: customer.id }, format: 'JSONEachRow' });
      counts[table] = Number((await r.json<{ n: string }>())[0].n);
    }
    return counts;
  };
  /** A quote for the customer on one of the catalogue's itineraries, a month after the world's last day. */
  const price = async (quotationRef: string) => {
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM itineraries WHERE active ORDER BY id LIMIT 1');
    return http.call('POST', '/v1/prices/suggest', {
      key: engine,
      body: { quotation: { quotationRef, itineraryId: Number(rows[0].id), departureDate: '2099-08-01', partySize: 2, cost: 1500, customerId: customer.id } },
    });
  };

  it('exports everything about the customer to an admin only', async () => {
    // Their segment and profile, served (and cached) before the erasure.
    const profiled = await segment();
    assert.equal(profiled.status, 200, profiled.text);
    assert.ok(profiled.body.segment !== null && Object.keys(profiled.body.features).length > 0, profiled.text);
    assert.equal((await http.call('GET', `/v1/customers/${customer.id}/personal-data`, { key: engine })).status, 403);
    const exported = await http.call('GET', `/v1/customers/${customer.id}/personal-data`, { key: admin });
    assert.equal(exported.status, 200, exported.text);
    // Every export is in the audit log, the CLI's (spirit-ml customers export) as well as the API's.
    await exportCustomer({ pg: db.pool, clickhouse }, customer.id, cliActor('admin'));
    const audited = (await readAudit(db.pool, { action: 'customer.export' })).filter((a) => a.target === `customer:${customer.id}`);
    assert.deepEqual(audited.map((a) => a.source).sort(), ['api', 'cli']);
    assert.equal(exported.body.bookingSystem.customer[0].name, customer.name);
    assert.ok(exported.body.bookingSystem.bookings.length >= 2);
    assert.deepEqual(exported.body.bookingSystem.chatMessages.map((m: { text: string }) => m.text), [`Hola, soy ${customer.name}, escríbanme a ${customer.email}`]);
    assert.equal(exported.body.bookingSystem.chatSessions.length, 1);
    assert.ok(exported.body.warehouse.recommendations.length > 0, 'the batch recommendations made for them');
    // The rejected import lines that name them (none held their id), and what training derived from them.
    const rejected = (exported.body.bookingSystem.importRejects as Array<{ raw_line: string }>).map((r) => r.raw_line);
    assert.equal(rejected.length, 4, rejected.join(' | '));
    assert.ok(!rejected.some((line) => line.startsWith(BYSTANDER)), 'not a bystander’s line');
    assert.ok(exported.body.warehouse.interactions.length > 0 && exported.body.warehouse.priceTrainingRows.length > 0, 'interactions and price training rows');
    // What training derived from them, which a later rebuild must not bring back.
    for (const [table, at] of Object.entries(await derivedRows())) assert.ok(at > 0, `${table} holds the customer before the erasure`);
    // What the erasure test scans for is there to be found.
    const raw = await clickhouse.query({ query: `SELECT countIf(position(formatRow('TabSeparated', *), {name:String}) > 0) AS n FROM customers`, query_params: { name: customer.name }, format: 'JSONEachRow' });
    assert.ok(Number((await raw.json<{ n: string }>())[0].n) >= 1, 'ClickHouse holds the name');
    const rejects = await db.pool.query(`SELECT count(*)::int AS n FROM import_rejects t WHERE strpos(t::text, $1) > 0`, [customer.email]);
    assert.equal(rejects.rows[0].n, 1, 'an import reject holds the e-mail');
    const copied = await clickhouse.query({ query: 'SELECT count() AS n FROM import_rejects WHERE position(raw_line, {email:String}) > 0', query_params: { email: customer.email }, format: 'JSONEachRow' });
    assert.equal(Number((await copied.json<{ n: string }>())[0].n), 1, 'and the ingest copied it to ClickHouse');
    const chat = await clickhouse.query({ query: 'SELECT count() AS n FROM chat_messages WHERE position(text, {email:String}) > 0', query_params: { email: customer.email }, format: 'JSONEachRow' });
    assert.equal(Number((await chat.json<{ n: string }>())[0].n), 1, 'their chat message is in ClickHouse too');
  });

  it('serves personal recommendations before, and logs the request with the customer id', async () => {
    const answer = await recommendations();
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.personal, true);
    const priced = await price('Q-BEFORE-ERASURE');
    assert.equal(priced.status, 200, priced.text);
    assert.ok(priced.body.suggestions[0].segment !== null, 'priced with their segment, which is answered');
    for (let i = 0; i < 100; i++) {
      const r = await clickhouse.query({ query: 'SELECT count() AS n FROM scored_requests WHERE customer_id = {id:UInt64}', query_params: { id: customer.id }, format: 'JSONEachRow' });
      if (Number((await r.json<{ n: string }>())[0].n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail('the request was never logged');
  });

  it('refuses an erasure without a reason, naming the field', async () => {
    const refused = await http.call('POST', `/v1/customers/${customer.id}/erasure`, { key: admin, body: {} });
    assert.equal(refused.status, 400);
    assert.match(refused.text, /reason/);
  });

  it('erases, and nothing anywhere names the customer afterwards', async () => {
    const erased = await http.call('POST', `/v1/customers/${customer.id}/erasure`, { key: admin, body: { reason: 'request by e-mail, ticket 4711' } });
    assert.equal(erased.status, 200, erased.text);
    assert.equal(erased.body.status, 'erased');
    assert.equal(erased.body.touched['postgres.customers'], 1);
    // Two ingests left two versions, unless a background merge already folded them.
    assert.ok(erased.body.touched['clickhouse.customers'] >= 1, 'the versions in ClickHouse');
    assert.ok(erased.body.touched['clickhouse.scored_requests'] >= 1);

    const needles = [customer.name, customer.email, `new.${customer.email}`];
    // Every PostgreSQL table, every row as text.
    const tables = await db.pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    for (const { table_name } of tables.rows) {
      for (const needle of needles) {
        const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE strpos(t::text, $1) > 0`, [needle]);
        assert.equal(rows[0].n, 0, `PostgreSQL ${table_name} still holds "${needle}"`);
      }
    }
    // Every ClickHouse table, raw (no FINAL): old versions, the request log, events, features, batch outputs.
    const chTables = await (await clickhouse.query({ query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND engine LIKE '%MergeTree%'`, format: 'JSONEachRow' })).json<{ name: string }>();
    assert.ok(chTables.length > 15, 'the warehouse tables');
    for (const { name } of chTables) {
      for (const needle of needles) {
        const r = await clickhouse.query({ query: `SELECT count() AS n FROM \`${name}\` WHERE position(formatRow('TabSeparated', *), {needle:String}) > 0`, query_params: { needle }, format: 'JSONEachRow' });
        assert.equal(Number((await r.json<{ n: string }>())[0].n), 0, `ClickHouse ${name} still holds "${needle}"`);
      }
    }
    // Rejected lines naming them in another case, surname first or by their reference only, in both stores.
    const spellings = [customer.name.toUpperCase(), surnameFirst(customer.name), customer.ref];
    const pgRejects = await db.pool.query<{ raw_line: string }>(`SELECT raw_line FROM import_rejects ORDER BY id`);
    const chRejects = await (await clickhouse.query({ query: 'SELECT raw_line FROM import_rejects ORDER BY id', format: 'JSONEachRow' })).json<{ raw_line: string }>();
    for (const [store, lines] of [['PostgreSQL', pgRejects.rows], ['ClickHouse', chRejects]] as const) {
      for (const spelling of spellings) assert.ok(!lines.some((l) => l.raw_line.includes(spelling)), `${store} import_rejects still holds "${spelling}"`);
      assert.ok(lines.some((l) => l.raw_line.startsWith(BYSTANDER)), `${store}: the bystander's line is kept`);
    }
    const logged = await clickhouse.query({ query: 'SELECT count() AS n FROM scored_requests WHERE customer_id = {id:UInt64} OR position(request, {quoted:String}) > 0', query_params: { id: customer.id, quoted: `"customerId":${customer.id}` }, format: 'JSONEachRow' });
    assert.equal(Number((await logged.json<{ n: string }>())[0].n), 0, 'the request log holds a pseudonym, not the id');
    // Model artefacts and every file under the data directory.
    for (const file of [...textFiles(registryDir), ...(fs.existsSync(config.dataDir) ? textFiles(config.dataDir) : [])]) {
      for (const needle of needles) assert.ok(!file.includes(needle), `${file.split('\n')[0]} holds "${needle}"`);
    }
  });

  it('answers the customer without personalisation at once', async () => {
    const answer = await recommendations();
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.personal, false);
    assert.ok(answer.body.items.every((item: { basedOn: number | null }) => item.basedOn === null), 'nothing "because you booked…"');
    // No segment or profile either (the cached one included), and nothing logged under their id again.
    const withheld = await segment();
    assert.equal(withheld.status, 200, withheld.text);
    assert.deepEqual([withheld.body.withheld, withheld.body.segment, withheld.body.features, withheld.body.hasHistory], [true, null, {}, null]);
    // Priced as a walk-in: no segment of theirs (the one cached before included), none of their history.
    const priced = await price('Q-AFTER-ERASURE');
    assert.equal(priced.status, 200, priced.text);
    assert.equal(priced.body.suggestions[0].segment, null, priced.text);
    assert.equal(priced.body.suggestions[0].features.customer_segment, -1, 'the walk-in segment');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const logged = await clickhouse.query({
      query: 'SELECT count() AS all, countIf(customer_id = {id:UInt64} OR position(request, {quoted:String}) > 0 OR position(response, {quoted:String}) > 0) AS theirs FROM scored_requests WHERE subject = {withheld:String}',
      query_params: { id: customer.id, quoted: `"customerId":${customer.id}`, withheld: 'customer:withheld' },
      format: 'JSONEachRow',
    });
    const [counts] = await logged.json<{ all: string; theirs: string }>();
    assert.ok(Number(counts.all) >= 2, 'both answers were logged, without the id');
    assert.equal(Number(counts.theirs), 0);
    const quoted = await clickhouse.query({
      query: 'SELECT count() AS all, countIf(customer_id = {id:UInt64} OR position(request, {quoted:String}) > 0) AS theirs FROM scored_requests WHERE subject = {ref:String}',
      query_params: { id: customer.id, quoted: `"customerId":${customer.id}`, ref: 'Q-AFTER-ERASURE' },
      format: 'JSONEachRow',
    });
    const [quotedLog] = await quoted.json<{ all: string; theirs: string }>();
    assert.deepEqual([Number(quotedLog.all), Number(quotedLog.theirs)], [1, 0], 'the price was logged, without the id');
  });

  it('is not undone by the next ingest, and leaves the customer out of the next training', async () => {
    await db.pool.query(`UPDATE bookings SET total_price = total_price + 1 WHERE customer_id = $1`, [customer.id]);
    // The rebuilt features, price rows and segments brought the customer back under their own id.
    await run(['ingest', 'build-features', 'train-segments']);
    assert.deepEqual(await derivedRows(), { customer_features: 0, price_training_rows: 0, customer_segments: 0 });
    const r = await clickhouse.query({ query: 'SELECT name, email, erased_at IS NOT NULL AS erased FROM customers FINAL WHERE id = {id:UInt64}', query_params: { id: customer.id }, format: 'JSONEachRow' });
    assert.deepEqual(await r.json(), [{ name: 'erased customer', email: null, erased: 1 }]);
    const interactions = await clickhouse.query({ query: 'SELECT count() AS n FROM customer_itinerary_interactions WHERE customer_id = {id:UInt64}', query_params: { id: customer.id }, format: 'JSONEachRow' });
    assert.equal(Number((await interactions.json<{ n: string }>())[0].n), 0);
  });

  it('is not undone by an import that names the customer by their outside reference again', async () => {
    const file = path.join(tempDir('import'), 'bookings.csv');
    fs.writeFileSync(file, `booked,departs,price,pax,status,client,client_name,market\n2025-06-01,2025-08-01,1200,2,confirmed,${customer.ref},${customer.name},US\n`);
    const mapping = parseMapping({
      fields: { booked_at: 'booked', departure_date: 'departs', total_price: 'price', party_size: 'pax', status: 'status', customer_ref: { column: 'client', nameColumn: 'client_name' }, country: 'market' },
    });
    const summary = await importBookings(db.pool, { file, mapping, log: quietLog });
    assert.equal(summary.loaded, 1);
    const named = await db.pool.query(`SELECT count(*)::int AS n FROM customers WHERE name = $1 OR external_ref = $2`, [customer.name, customer.ref]);
    assert.equal(named.rows[0].n, 0, 'no customer with the erased name or reference');
    const booking = await db.pool.query(`SELECT customer_id FROM bookings WHERE source = $1`, [`import:${summary.importId}`]);
    assert.deepEqual(booking.rows.map((r) => Number(r.customer_id)), [customer.id], 'the booking is the erased customer’s');
  });

  it('does nothing more when asked again, and keeps one record free of personal data', async () => {
    const again = await http.call('POST', `/v1/customers/${customer.id}/erasure`, { key: admin, body: { reason: 'asked twice' } });
    assert.equal(again.status, 200);
    assert.equal(again.body.status, 'already_erased');
    const { rows } = await db.pool.query(`SELECT phase, reason, touched::text FROM customer_erasures WHERE customer_id = $1 ORDER BY id`, [customer.id]);
    assert.deepEqual(rows.map((r) => r.phase), ['started', 'completed']);
    await assert.rejects(db.pool.query('DELETE FROM customer_erasures'), /append-only/);
    const audit = await db.pool.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'customer.erase' AND target = $1`, [`customer:${customer.id}`]);
    assert.equal(audit.rows[0].n, 1);
  });

  it('resumes an erasure that died half-way, when the warehouse was away', async () => {
    const { rows } = await db.pool.query<{ id: string; email: string }>(`SELECT id, email FROM customers WHERE erased_at IS NULL AND email IS NOT NULL ORDER BY id LIMIT 1`);
    const other = Number(rows[0].id);
    const away = createClient({ url: 'http://127.0.0.1:9', request_timeout: 2000 });
    await assert.rejects(eraseCustomer({ pg: db.pool, clickhouse: away }, { customerId: other, reason: 'ticket 4712', actor: cliActor('admin') }));
    await away.close();
    const half = await clickhouse.query({ query: 'SELECT count() AS n FROM customers WHERE id = {id:UInt64} AND email = {email:String}', query_params: { id: other, email: rows[0].email }, format: 'JSONEachRow' });
    assert.ok(Number((await half.json<{ n: string }>())[0].n) >= 1, 'the warehouse still holds the e-mail after the failed run');

    const resumed = await eraseCustomer({ pg: db.pool, clickhouse }, { customerId: other, reason: 'ticket 4712', actor: cliActor('admin') });
    assert.equal(resumed.status, 'erased');
    const left = await clickhouse.query({ query: 'SELECT count() AS n FROM customers WHERE position(formatRow(\'TabSeparated\', *), {email:String}) > 0', query_params: { email: rows[0].email }, format: 'JSONEachRow' });
    assert.equal(Number((await left.json<{ n: string }>())[0].n), 0);
    const records = await db.pool.query(`SELECT phase FROM customer_erasures WHERE customer_id = $1 ORDER BY id`, [other]);
    assert.deepEqual(records.rows.map((r) => r.phase), ['started', 'completed'], 'one start, resumed, one completion');
  });
});
