import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../../domain/migrate.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { openClickHouse, type ClickHouseHandle } from '../../platform/clickhouse.ts';
import { loadConfig } from '../../platform/config.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { buildApp } from '../app.ts';
import { createApiKey } from '../auth/api-keys.ts';
import type { Role } from '../../platform/http/roles.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { runSpiritMl } from '../../test/support/spirit-ml-cli.ts';

/**
 * POST /v1/analytics/query over real HTTP, on an API that holds its embedded ClickHouse as `npm start` does: the
 * analyst guard answers and refuses as in the CLI, the API's own session keeps writing, and `spirit-ml sql` started
 * beside it (which cannot open the locked data directory) sends its query here.
 */
// Not the caller's own API settings: each test says which API, if any, the command talks to.
const spiritMl = (env: Record<string, string>, ...args: string[]) => runSpiritMl({ SPIRIT_API_KEY: '', SPIRIT_API_URL: '', ...env }, ...args);

describe('POST /v1/analytics/query', () => {
  let dataDir: string;
  let clickhouse: ClickHouseHandle;
  let db: TestDatabase;
  let app: FastifyInstance;
  let http: HttpClient;
  const keys = {} as Record<Role, string>;

  before(async () => {
    dataDir = tempDir('analytics-api');
    const config = loadConfig({ SPIRIT_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
    clickhouse = await openClickHouse(config, quietLog);
    await migrateWarehouse(clickhouse.client, quietLog);
    await clickhouse.client.command({ query: "INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at) VALUES (1, 'cusco', 'Cusco', 'PE', 'Andes', 1, '2024-01-01', '2024-01-01')" });
    await clickhouse.client.command({
      query: `INSERT INTO bookings (id, destination_id, departure_date, party_size, status, channel, country, total_price, total_cost, currency, booked_at, source, created_at, updated_at)
              SELECT number + 1, 1, toDate('2024-06-01') + number, 2, 'confirmed', 'web', 'US', 1000, 700, 'USD', '2024-03-01 10:00:00', 'web', '2024-03-01 10:00:00', '2024-03-01 10:00:00' FROM numbers(30)`,
    });
    db = await freshDatabase(await embeddedPostgresUrl(), 'analytics_api');
    await migrate(db.pool, quietLog);
    for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) keys[role] = (await createApiKey(db.pool, { name: role, role })).key;
    app = await buildApp({ config, log: quietLog, pg: db.pool, clickhouse: clickhouse.client, registry: ModelRegistry.open(`file://${path.join(dataDir, 'models')}`), settings: { modelPollMs: 0 } });
    http = await listen(app);
  });

  after(async () => {
    await app?.close();
    await clickhouse?.close();
    await db?.drop();
  });

  const query = (body: Record<string, unknown>, key = keys.analyst) => http.call('POST', '/v1/analytics/query', { key, body });

  it('answers an analyst with columns and rows, parameters bound by type', async () => {
    const response = await query({ sql: 'SELECT count() AS bookings, sum(party_size) AS pax FROM bookings_latest WHERE departure_date >= {from:Date}', params: { from: '2024-06-21' } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual(response.body.columns, [
      { name: 'bookings', type: 'UInt64' },
      { name: 'pax', type: 'UInt64' },
    ]);
    assert.deepEqual(response.body.rows, [[10, 20]]);
    assert.equal(response.body.rowCount, 1);
  });

  it('sends the rows as ClickHouse wrote them, unparsed, with every kind of value intact and no rows as []', async () => {
    // Rows go out as ClickHouse's own JSON text (parsing a large answer held the API's thread for seconds).
    const tricky = await query({ sql: "SELECT arrayJoin(['line\\nbreak', 'ñandú \"quoted\" \\\\', '', '🚀']) AS s, [1, 2] AS a, toDecimal64(12.5, 2) AS d, NULL AS n" });
    assert.equal(tricky.status, 200, tricky.text);
    assert.match(tricky.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(tricky.body.rows, [
      ['line\nbreak', [1, 2], 12.5, null],
      ['ñandú "quoted" \\', [1, 2], 12.5, null],
      ['', [1, 2], 12.5, null],
      ['🚀', [1, 2], 12.5, null],
    ]);
    assert.equal(tricky.body.rowCount, 4);
    assert.deepEqual(tricky.body.columns.map((c: { name: string }) => c.name), ['s', 'a', 'd', 'n']);
    // A String holding bytes that are not UTF-8 still makes valid UTF-8 JSON (they were sent raw as charset=utf-8).
    const bytes = await fetch(`${http.base}/v1/analytics/query`, { method: 'POST', headers: { 'x-api-key': keys.analyst, 'content-type': 'application/json' }, body: JSON.stringify({ sql: "SELECT unhex('C328') AS s" }) });
    assert.equal(bytes.status, 200);
    const strict = new TextDecoder('utf-8', { fatal: true }).decode(await bytes.arrayBuffer());
    assert.deepEqual(JSON.parse(strict).rows, [['\uFFFD(']]);
    const none = await query({ sql: 'SELECT id FROM bookings_latest WHERE id < 0' });
    assert.equal(none.status, 200, none.text);
    assert.deepEqual([none.body.rows, none.body.rowCount, none.body.columns], [[], 0, [{ name: 'id', type: 'UInt64' }]]);
  });

  it('answers CSV, Parquet and Arrow with their content types', async () => {
    const csv = await query({ sql: 'SELECT id FROM bookings_latest ORDER BY id LIMIT 3', format: 'csv' });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type')!, /^text\/csv/);
    assert.equal(csv.text, '"id"\n1\n2\n3\n');
    const parquet = await fetch(`${http.base}/v1/analytics/query`, { method: 'POST', headers: { 'x-api-key': keys.analyst, 'content-type': 'application/json' }, body: JSON.stringify({ sql: 'SELECT id FROM bookings_latest', format: 'parquet' }) });
    assert.equal(parquet.headers.get('content-type'), 'application/vnd.apache.parquet');
    assert.equal(Buffer.from(await parquet.arrayBuffer()).subarray(0, 4).toString(), 'PAR1');
    const arrow = await query({ sql: 'SELECT id FROM bookings_latest', format: 'arrow' });
    assert.equal(arrow.headers.get('content-type'), 'application/vnd.apache.arrow.stream');
  });

  it('is for analysts and admins only', async () => {
    assert.equal((await query({ sql: 'SELECT 1' }, keys.admin)).status, 200);
    assert.equal((await query({ sql: 'SELECT 1' }, keys['pricing-manager'])).status, 403);
    assert.equal((await query({ sql: 'SELECT 1' }, keys['quotation-engine'])).status, 403);
    assert.equal((await http.call('POST', '/v1/analytics/query', { body: { sql: 'SELECT 1' } })).status, 401);
  });

  it('refuses what the guard refuses, 400 naming the field', async () => {
    for (const [sql, reason] of [
      ["SELECT * FROM file('/etc/passwd', 'LineAsString')", /table function file\(\)/],
      ["SELECT * FROM postgresql('127.0.0.1:5432', 'test', 'customers', 'postgres', '')", /table function postgresql\(\)/],
      ["SELECT * FROM url('http://127.0.0.1:9/', 'LineAsString')", /table function url\(\)/],
      ["INSERT INTO FUNCTION file('/tmp/analytics-api.csv', 'CSV') SELECT 1", /INSERT statements are not allowed/],
      ['SELECT * FROM system.tables', /database system/],
      ['SELECT 1; DROP TABLE bookings', /one statement at a time/],
    ] as const) {
      const response = await query({ sql });
      assert.equal(response.status, 400, sql);
      assert.equal(response.body.code, 'sql_refused');
      assert.equal(response.body.field, 'sql');
      assert.match(response.body.message, reason);
    }
    const tooMany = await query({ sql: 'SELECT id FROM bookings_latest', maxRows: 5 });
    assert.deepEqual([tooMany.status, tooMany.body.code, tooMany.body.field], [400, 'sql_limit', 'maxRows']);
    const badParam = await query({ sql: 'SELECT {n:UInt8} AS n', params: { n: 1000 } });
    assert.deepEqual([badParam.status, badParam.body.field], [400, 'params.n']);
    const schema = await query({ sql: 'SELECT 1', maxRows: 1_000_000 });
    assert.deepEqual([schema.status, schema.body.field], [400, 'maxRows']);
    const unknown = await query({ sql: 'SELECT 1', settings: { readonly: 0 } });
    assert.deepEqual([unknown.status, unknown.body.field], [400, 'settings']);
  });

  it("leaves the API's own ClickHouse session writable", async () => {
    await query({ sql: 'SELECT count() FROM bookings_latest SETTINGS join_use_nulls = 1' });
    await clickhouse.client.command({ query: "INSERT INTO destinations (id, code, name, country, region, popularity, created_at, updated_at) VALUES (2, 'puno', 'Puno', 'PE', 'Andes', 1, '2024-01-01', '2024-01-01')" });
    assert.deepEqual((await query({ sql: 'SELECT count() AS n FROM destinations_latest' })).body.rows, [[2]]);
  });

  it('is where spirit-ml sql sends its query while this process holds the embedded ClickHouse', async () => {
    const env = { SPIRIT_DATA_DIR: dataDir, SPIRIT_API_URL: http.base };
    const withoutKey = await spiritMl(env, 'sql', 'SELECT 1');
    assert.equal(withoutKey.code, 2, withoutKey.err);
    assert.match(withoutKey.err, /is open in another spirit-ml process.*set SPIRIT_API_KEY to an analyst key/s);

    const forwarded = await spiritMl({ ...env, SPIRIT_API_KEY: keys.analyst }, 'sql', 'SELECT count() AS bookings FROM bookings_latest WHERE party_size = {pax:UInt16}', '--param', 'pax=2', '--format', 'json');
    assert.equal(forwarded.code, 0, forwarded.err);
    assert.deepEqual(JSON.parse(forwarded.out), { bookings: 30 });

    const refusedThere = await spiritMl({ ...env, SPIRIT_API_KEY: keys.analyst }, 'sql', "SELECT * FROM file('/etc/passwd', 'LineAsString')");
    assert.equal(refusedThere.code, 2);
    assert.match(refusedThere.err, /table function file\(\)/);

    // npm start keeps one key per role in the data directory: found there without SPIRIT_API_KEY.
    fs.writeFileSync(path.join(dataDir, 'api-keys.json'), JSON.stringify({ analyst: keys.analyst }), { mode: 0o600 });
    const fromFile = await spiritMl(env, 'sql', 'SELECT 41 + 1 AS answer', '--format', 'csv');
    assert.equal(fromFile.code, 0, fromFile.err);
    assert.equal(fromFile.out, '"answer"\n42\n');
  });
});
