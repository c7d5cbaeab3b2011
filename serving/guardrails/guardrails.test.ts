import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { copyCatalogueFromWarehouse } from '../../test/support/catalogue-from-warehouse.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp, type AppDeps } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../../platform/http/roles.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { buildServingWorld } from '../../test/worlds/serving-world.ts';
import { GuardrailBook } from './guardrail-book.ts';
import { loadGuardrails, setGuardrail } from './guardrail-store.ts';

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Itinerary {
  id: number;
  destination_id: number;
  service_level: string;
}

describe('guardrails as data: per destination and service level, editable, versioned', () => {
  let db: TestDatabase;
  const apps: FastifyInstance[] = [];
  let http: HttpClient;
  /** A second API process on the same databases: changes must reach it without a restart. */
  let other: HttpClient;
  const keys = {} as Record<Role, string>;
  /** Two itineraries of one destination at different levels, and one of another destination. */
  let first: Itinerary;
  let sibling: Itinerary;
  let elsewhere: Itinerary;

  before(async () => {
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'serving_guardrails');
    const world = await buildServingWorld(clickhouse, { customers: 120, seed: 5, families: ['segmentation', 'price'] });
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_guardrails');
    await migrate(db.pool, quietLog);
    await copyCatalogueFromWarehouse(clickhouse, db.pool);
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) keys[role] = (await createApiKey(db.pool, { name: `${role} guardrails`, role })).key;
    const itineraries = await queryRows<Itinerary>(clickhouse, 'SELECT id, destination_id, toString(service_level) AS service_level FROM itineraries_latest ORDER BY id');
    [first, sibling] = (() => {
      for (const a of itineraries) {
        const b = itineraries.find((o) => o.destination_id === a.destination_id && o.service_level !== a.service_level);
        if (b) return [a, b];
      }
      throw new Error('the world has no destination with two service levels');
    })();
    elsewhere = itineraries.find((o) => o.destination_id !== first.destination_id)!;
    const deps: AppDeps = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse, registry: world.registry, settings: { featureTimeoutMs: 20_000, modelPollMs: 0, requestLogFlushMs: 60_000 } };
    apps.push(await buildApp(deps), await buildApp(deps));
    http = await listen(apps[0]);
    other = await listen(apps[1]);
  });
  after(async () => {
    for (const app of apps) await app.close();
    await db?.drop();
  });

  const price = async (itinerary: Itinerary, extra: Record<string, unknown> = {}, client = http) => {
    const response = await client.call('POST', '/v1/prices/suggest', { key: keys['quotation-engine'], body: { quotation: { itineraryId: Number(itinerary.id), departureDate: inDays(50), partySize: 2, cost: 2000, ...extra } } });
    assert.equal(response.status, 200, response.text);
    return response.body.suggestions[0];
  };
  const put = (body: Record<string, unknown>, role: Role = 'pricing-manager') => http.call('PUT', '/v1/guardrails', { key: keys[role], body: { reason: 'test', ...body } });

  it('starts with the default rule of the migration, and every price says which rule held it and its limits', async () => {
    const set = await http.call('GET', '/v1/guardrails', { key: keys.analyst });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.version, 1);
    assert.deepEqual(
      set.body.rules.map((r: Record<string, unknown>) => [r.destinationId, r.serviceLevel, r.minMargin, r.maxChangeVsList, r.maxMargin]),
      [[null, null, 0.1, 0.25, null]],
    );
    const s = await price(first, { listPrice: 2600 });
    assert.deepEqual(s.guardrails, { version: 1, ruleId: 1, destinationId: null, serviceLevel: null, minMargin: 0.1, maxMargin: null, maxPricePerPax: null, maxChangeVsList: 0.25, floor: 2200, ceiling: null, listBand: { lo: 1950, hi: 3250 } });
    assert.ok(s.price >= 2200 && s.price >= 1950 && s.price <= 3250, String(s.price));
  });

  it('holds each quotation to the most specific rule: destination and level over destination over default', async () => {
    const destinationRule = await put({ destinationId: first.destination_id, serviceLevel: null, minMargin: 1.5, reason: 'peak week at this destination' });
    assert.equal(destinationRule.status, 200, destinationRule.text);
    assert.equal(destinationRule.body.revision, 1);
    assert.match(destinationRule.body.changedBy, /pricing-manager guardrails \(api-key \d+\)/);
    const levelRule = await put({ destinationId: first.destination_id, serviceLevel: first.service_level, minMargin: 2, reason: 'this level sells out' });
    assert.equal(levelRule.status, 200, levelRule.text);

    const held = await price(first);
    assert.deepEqual([held.guardrail, held.price, held.guardrails.ruleId, held.guardrails.serviceLevel], ['floor', 6000, levelRule.body.id, first.service_level]);
    assert.ok(held.modelPrice < 6000, 'the model alone would price lower');
    const sameDestination = await price(sibling);
    assert.deepEqual([sameDestination.guardrail, sameDestination.price, sameDestination.guardrails.ruleId], ['floor', 5000, destinationRule.body.id]);
    const untouched = await price(elsewhere);
    assert.equal(untouched.guardrails.ruleId, 1);
    assert.equal(untouched.guardrails.version, levelRule.body.id, 'the set’s version moved on with every change');
  });

  it('applies a margin ceiling and a per-traveller ceiling, the lower of the two', async () => {
    const plain = await price(elsewhere);
    const ceilingMargin = Number((plain.modelPrice / 2000 - 1 - 0.1).toFixed(3));
    const set = await put({ destinationId: elsewhere.destination_id, serviceLevel: null, minMargin: -0.5, maxMargin: ceilingMargin });
    assert.equal(set.status, 200, set.text);
    const capped = await price(elsewhere);
    assert.equal(capped.guardrail, 'ceiling');
    assert.ok(Math.abs(capped.price - 2000 * (1 + ceilingMargin)) < 0.01, `${capped.price}`);
    await put({ destinationId: elsewhere.destination_id, serviceLevel: null, minMargin: -0.5, maxMargin: ceilingMargin, maxPricePerPax: 600 });
    const perPax = await price(elsewhere);
    assert.deepEqual([perPax.guardrail, perPax.price, perPax.guardrails.ceiling], ['ceiling', 1200, 1200]);
  });

  it('reaches another API process without a restart (NOTIFY at commit)', async () => {
    const changed = await put({ destinationId: null, serviceLevel: null, minMargin: 0.12, maxChangeVsList: 0.25, reason: 'new company floor' });
    assert.equal(changed.status, 200, changed.text);
    let seen: number | undefined;
    for (let i = 0; i < 150 && seen !== changed.body.id; i++) {
      seen = (await price(elsewhere, {}, other)).guardrails.version;
      if (seen !== changed.body.id) await sleep(20);
    }
    assert.equal(seen, changed.body.id);
  });

  it('keeps every revision: the history, the set at an earlier version, removal back to the broader rule', async () => {
    const history = await http.call('GET', `/v1/guardrails/history?destinationId=${first.destination_id}`, { key: keys.analyst });
    assert.equal(history.status, 200, history.text);
    assert.deepEqual(history.body.map((r: { revision: number; reason: string }) => [r.revision, r.reason]), [[1, 'peak week at this destination']]);
    const all = await http.call('GET', '/v1/guardrails/history', { key: keys.analyst });
    assert.deepEqual(all.body.map((r: { id: number }) => r.id), [...all.body.map((r: { id: number }) => r.id)].sort((a, b) => b - a), 'newest first');

    const original = await http.call('GET', '/v1/guardrails?version=1', { key: keys.analyst });
    assert.deepEqual([original.body.version, original.body.rules.length, original.body.rules[0].minMargin], [1, 1, 0.1]);

    const removed = await http.call('POST', '/v1/guardrails/remove', { key: keys['pricing-manager'], body: { destinationId: first.destination_id, serviceLevel: first.service_level, reason: 'season over' } });
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual([removed.body.active, removed.body.revision], [false, 2]);
    const fallsBack = await price(first);
    assert.equal(fallsBack.guardrails.serviceLevel, null, 'the destination rule holds again');
    assert.equal(fallsBack.price, 5000);
    const again = await http.call('POST', '/v1/guardrails/remove', { key: keys['pricing-manager'], body: { destinationId: first.destination_id, serviceLevel: first.service_level, reason: 'twice' } });
    assert.equal(again.status, 404);

    await assert.rejects(db.pool.query('UPDATE price_guardrails SET min_margin = 0 WHERE id = 1'), /versioned: write a new revision/);
    await assert.rejects(db.pool.query('DELETE FROM price_guardrails WHERE id = 1'), /versioned/);
  });

  it('lets pricing managers and admins change rules, everyone with a key read them', async () => {
    for (const role of ['quotation-engine', 'analyst'] as const) assert.equal((await put({ destinationId: null, serviceLevel: 'luxury', minMargin: 0.2 }, role)).status, 403, role);
    assert.equal((await put({ destinationId: null, serviceLevel: 'luxury', minMargin: 0.2 }, 'admin')).status, 200);
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) assert.equal((await http.call('GET', '/v1/guardrails', { key: keys[role] })).status, 200, role);
    assert.equal((await http.call('GET', '/v1/guardrails')).status, 401);
    assert.equal((await http.call('PUT', '/v1/guardrails', { body: { destinationId: null, serviceLevel: null, minMargin: 0.1, reason: 'x' } })).status, 401);
  });

  it('refuses bad rules with 400 naming the field, unknown destinations with 404, and changes nothing', async () => {
    const versionBefore = (await http.call('GET', '/v1/guardrails', { key: keys.analyst })).body.version;
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ destinationId: null, serviceLevel: null, reason: 'x' }, 400, 'minMargin'],
      [{ destinationId: null, serviceLevel: null, minMargin: 'ten', reason: 'x' }, 400, 'minMargin'],
      [{ destinationId: null, serviceLevel: null, minMargin: -1, reason: 'x' }, 400, 'minMargin'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.3, maxMargin: 0.2, reason: 'x' }, 400, 'maxMargin'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, maxPricePerPax: 0, reason: 'x' }, 400, 'maxPricePerPax'],
      // The cap is stored in whole cents: 0.001 was a 500 (zero broke the column's check), 100.005 was stored as
      // 100.01 and prices went above the cap the manager set.
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, maxPricePerPax: 0.001, reason: 'x' }, 400, 'maxPricePerPax'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, maxPricePerPax: 100.005, reason: 'x' }, 400, 'maxPricePerPax'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, maxChangeVsList: -0.2, reason: 'x' }, 400, 'maxChangeVsList'],
      [{ destinationId: null, serviceLevel: 'gold', minMargin: 0.1, reason: 'x' }, 400, 'serviceLevel'],
      [{ serviceLevel: null, minMargin: 0.1, reason: 'x' }, 400, 'destinationId'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, reason: '' }, 400, 'reason'],
      [{ destinationId: null, serviceLevel: null, minMargin: 0.1, reason: 'x', discount: 3 }, 400, 'discount'],
      [{ destinationId: 987_654, serviceLevel: null, minMargin: 0.1, reason: 'x' }, 404, 'destinationId'],
    ];
    for (const [body, status, field] of cases) {
      const response = await http.call('PUT', '/v1/guardrails', { key: keys['pricing-manager'], body });
      assert.equal(response.status, status, `${JSON.stringify(body)} → ${response.status} ${response.text}`);
      assert.equal(response.body.field, field, response.text);
    }
    const removeDefault = await http.call('POST', '/v1/guardrails/remove', { key: keys['pricing-manager'], body: { destinationId: null, serviceLevel: null, reason: 'x' } });
    assert.deepEqual([removeDefault.status, removeDefault.body.field], [400, 'scope']);
    assert.equal((await http.call('GET', '/v1/guardrails?version=0', { key: keys.analyst })).status, 400);
    assert.equal((await http.call('GET', '/v1/guardrails', { key: keys.analyst })).body.version, versionBefore, 'nothing was written');
  });

  it('keeps the rules it holds when PostgreSQL cannot be reached for a reload', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const book = new GuardrailBook(pool, quietLog);
    await book.start();
    const held = book.policy.version;
    await book.close();
    await pool.end();
    await book.reload();
    assert.equal(book.policy.version, held);
    await setGuardrail(db.pool, { destinationId: null, serviceLevel: null, minMargin: 0.1, maxChangeVsList: 0.25, reason: 'back to normal', actor: { name: 'test', role: 'admin' } });
    assert.ok((await loadGuardrails(db.pool)).policy.version > held);
  });
});
