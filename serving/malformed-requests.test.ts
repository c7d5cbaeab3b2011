import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../domain/migrate.ts';
import { mulberry32, pick, randInt, type Rng } from '../platform/random.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../test/support/services.ts';
import { buildApp } from './app.ts';
import { createApiKey } from './auth/api-keys.ts';
import { ROLES, type Role } from './auth/roles.ts';
import { listen, type HttpClient } from './testing/http-client.ts';
import { buildServingWorld } from './testing/serving-world.ts';

const REQUESTS = 10_000;
const CONCURRENCY = 16;
const DEPARTURE = new Date(Date.now() + 50 * 86_400_000).toISOString().slice(0, 10);

/** Values a careless or hostile caller might put anywhere. */
const JUNK: unknown[] = [
  null, true, false, 0, -1, -0.5, 1.5, 1e308, -1e308, 2 ** 53 + 2, '', ' ', 'abc', '12', '1e3', 'NaN', 'Infinity', '2026-13-45', '2026-02-30',
  '0000-00-00', 'ü🚀\u0000', '<script>', "'; DROP TABLE bookings; --", '{quotedAt:DateTime}', 'x'.repeat(5000), [], [1, 2], {}, { $gt: 1 }, { __proto__: { admin: true } },
];

const QUOTATION = { itineraryId: 2, departureDate: DEPARTURE, partySize: 3, cost: 1500, customerId: 4, listPrice: 2000, channel: 'web', quotationRef: 'Q-1' };

function mutate(rng: Rng, value: unknown, depth = 0): unknown {
  if (depth > 3 || value === null || typeof value !== 'object') return rng() < 0.5 ? pick(rng, JUNK) : value;
  if (Array.isArray(value)) {
    const roll = rng();
    if (roll < 0.2) return [];
    // Oversized batches are few: a valid one of 500 costs as much as 500 requests.
    if (roll < 0.22) return Array.from({ length: randInt(rng, 499, 502) }, () => value[0]);
    return value.map((v) => (rng() < 0.3 ? mutate(rng, v, depth + 1) : v));
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = rng();
  if (roll < 0.25 && keys.length) delete copy[pick(rng, keys)];
  else if (roll < 0.5 && keys.length) copy[pick(rng, keys)] = pick(rng, JUNK);
  else if (roll < 0.6) copy[pick(rng, ['discount', 'constructor', '__proto__', 'x'.repeat(300), ''])] = 1;
  else if (keys.length) {
    const key = pick(rng, keys);
    copy[key] = mutate(rng, copy[key], depth + 1);
  }
  return copy;
}

function deeplyNested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { quotation: value };
  return value;
}

type Request = { method: string; path: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; role?: Role | 'none' | 'bad' };

function malformedRequest(rng: Rng): Request {
  const id = () => pick(rng, ['1', '0', '-1', '1.5', 'abc', '99999999999999999999', '%00', '..%2F..%2Fetc', '%F0%9F%9A%80', '4', ' ', '1e3', 'x'.repeat(250)]);
  const date = () => pick(rng, [DEPARTURE, '2026-02-30', 'yesterday', '', '2026-1-1', '9999-12-31', '1900-01-01', '2026-12-01T00:00:00Z']);
  const role = (): Request['role'] => (rng() < 0.9 ? pick(rng, ROLES) : pick(rng, ['none', 'bad'] as const));
  switch (randInt(rng, 0, 12)) {
    case 0:
    case 1:
    case 2:
      return { method: 'POST', path: '/v1/prices/suggest', body: mutate(rng, rng() < 0.5 ? { quotation: QUOTATION } : { quotations: [QUOTATION, QUOTATION] }), role: role() };
    case 3:
      return { method: 'POST', path: '/v1/quotations/score', body: mutate(rng, { quotation: QUOTATION, alternatives: 3 }), role: role() };
    case 4:
      return { method: 'GET', path: `/v1/customers/${id()}/recommendations?k=${pick(rng, ['0', '5', '101', '-3', 'ten', '', '5&k=6'])}&from=${date()}&to=${date()}&budget=${pick(rng, ['0', '-1', '500', 'cheap', '1e400'])}`, role: role() };
    case 5:
      return { method: 'GET', path: `/v1/itineraries/${id()}/similar?k=${pick(rng, ['1', '0', '1000', 'x'])}`, role: role() };
    case 6:
      return { method: 'GET', path: `/v1/customers/${id()}/segment`, role: role() };
    case 7:
      return { method: 'GET', path: `/v1/demand?destination=${pick(rng, ['cusco', 'atlantis', 'CUSCO', '', '%27', 'a'.repeat(80)])}&from=${date()}&to=${date()}&granularity=${pick(rng, ['week', 'month', 'day', 'year', ''])}`, role: role() };
    case 8:
    {
      const method = pick(rng, ['GET', 'POST', 'PUT', 'DELETE', 'PATCH']);
      const path = pick(rng, ['/v1/prices/suggest', '/v1/nothing', '/v1/admin/keys/abc', '/v1/admin/keys/0', '/v1//customers', '/v1/destinations?from=2026-99-01', '/metrics', '/ready']);
      return { method, path, body: method !== 'GET' && rng() < 0.5 ? mutate(rng, { name: 'x', role: 'admin' }) : undefined, role: role() };
    }
    case 9:
      return {
        method: 'POST',
        path: pick(rng, ['/v1/prices/suggest', '/v1/quotations/score', '/v1/admin/keys', '/v1/auth/token']),
        rawBody: pick(rng, ['{', '{"quotation": ', 'null', '[]', '"text"', '12', '{"quotation": {"cost": 1e999}}', '{"a":1,"a":2}', '\u0000', 'quotation=1']),
        headers: { 'content-type': pick(rng, ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data']) },
        role: role(),
      };
    case 10:
      return { method: 'POST', path: '/v1/prices/suggest', body: deeplyNested(randInt(rng, 5, 200)), role: role() };
    case 11:
      return { method: 'POST', path: '/v1/admin/keys', body: mutate(rng, { name: 'fuzzed', role: 'analyst' }), role: rng() < 0.5 ? 'admin' : role() };
    default:
      return { method: 'POST', path: '/v1/auth/token', body: mutate(rng, { ttlSeconds: 600 }), role: role() };
  }
}

describe('10,000 malformed requests', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  const keys = {} as Record<Role, string>;

  before(async () => {
    const clickhouse = (await testClickHouse()).client;
    await useClickHouseDatabase(clickhouse, 'serving_malformed');
    const world = await buildServingWorld(clickhouse, { customers: 100, seed: 3 });
    db = await freshDatabase(await embeddedPostgresUrl(), 'serving_malformed');
    await migrate(db.pool, quietLog);
    for (const role of ROLES) keys[role] = (await createApiKey(db.pool, { name: role, role })).key;
    app = await buildApp({ config: testConfig(), log: quietLog, pg: db.pool, clickhouse, registry: world.registry, settings: { modelPollMs: 0, featureTimeoutMs: 20 } });
    http = await listen(app);
  });
  after(async () => {
    await app?.close();
    await db?.drop();
  });

  it('answers every one without a 5xx, each error as { code, message }', async () => {
    const rng = mulberry32(20261128);
    const requests = Array.from({ length: REQUESTS }, () => malformedRequest(rng));
    const statuses = new Map<number, number>();
    const serverErrors: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let i = next++; i < requests.length; i = next++) {
          const r = requests[i];
          const credential = r.role === 'none' ? {} : r.role === 'bad' ? { key: 'spk_' + 'x'.repeat(43) } : { key: keys[r.role!] };
          const response = await http.call(r.method, r.path, { ...credential, body: r.body, rawBody: r.rawBody, headers: r.headers });
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500) serverErrors.push(`${r.method} ${r.path.slice(0, 120)} → ${response.status} ${response.text.slice(0, 200)}`);
          else if (response.status >= 400 && !(typeof response.body?.code === 'string' && typeof response.body?.message === 'string')) {
            serverErrors.push(`${r.method} ${r.path.slice(0, 120)} → ${response.status} without { code, message }: ${response.text.slice(0, 200)}`);
          }
        }
      }),
    );
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, REQUESTS);
    assert.deepEqual(serverErrors.slice(0, 10), [], `${serverErrors.length} bad answers; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(400) ?? 0) > REQUESTS / 3, `mostly refused as bad input: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(200) ?? 0) > 0 && (statuses.get(401) ?? 0) > 0 && (statuses.get(403) ?? 0) > 0 && (statuses.get(404) ?? 0) > 0, JSON.stringify(Object.fromEntries(statuses)));
    assert.equal((await http.call('GET', '/health')).status, 200, 'and the API is still up');
  });
});
