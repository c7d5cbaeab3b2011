import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../../test/support/services.ts';
import { createApiMetrics } from '../metrics/api-metrics.ts';
import { canonicalJson, featureSnapshotId } from './feature-snapshot.ts';
import { EncodedParts } from './record-scored.ts';
import { clickhouseTime, RequestLog, type ScoredRequestRow } from './request-log.ts';

function row(i: number): ScoredRequestRow {
  return {
    request_id: `req-${i}`,
    item: 0,
    scored_at: clickhouseTime(new Date(Date.UTC(2026, 0, 1, 0, 0, i))),
    route: '/v1/prices/suggest',
    family: 'price',
    model_version: 'price-000001',
    feature_snapshot_id: featureSnapshotId({ i }),
    defaulted_features: i % 2 ? ['season_score'] : [],
    caller_kind: 'api-key',
    caller_id: '1',
    caller_role: 'quotation-engine',
    subject: `Q-${i}`,
    quotation_id: i,
    customer_id: null,
    request: '{}',
    features: JSON.stringify({ group_size: i }),
    response: '{}',
    latency_ms: 1.5,
  };
}

async function count(client: ClickHouseClient): Promise<number> {
  const result = await client.query({ query: 'SELECT count() AS n FROM scored_requests', format: 'JSONEachRow' });
  return Number((await result.json<{ n: string }>())[0].n);
}

describe('feature snapshot ids', () => {
  it('depend on the values, not on the order of keys', () => {
    assert.equal(featureSnapshotId({ a: 1, b: { c: 2, d: [1, 2] } }), featureSnapshotId({ b: { d: [1, 2], c: 2 }, a: 1 }));
    assert.notEqual(featureSnapshotId({ a: 1 }), featureSnapshotId({ a: 2 }));
    assert.equal(canonicalJson({ b: 1, a: [null, 'x'] }), '{"a":[null,"x"],"b":1}');
  });

  it('stay the ids already in the log (computed before canonicalJson was rewritten as loops)', () => {
    const answerFeatures = { window: { from: '2027-01-01', to: '2027-06-30' }, available: 'fs_abc', bookedThisSeason: ['12', '7'], homeMarket: null, budget: 1500.25, exclude: [], z: undefined, 'ñ key': 'q"uote\n', n: [1, -0.5, 1e21, true, null] };
    const priceRow = { lead_time_days: 45, party_size: 4, customer_segment: 2, destination_popularity: 0.8371234, cost_per_pax: 1300 };
    assert.equal(featureSnapshotId(answerFeatures), 'fs_3e97eee1e54c6ed82a6a2623');
    assert.equal(featureSnapshotId(priceRow), 'fs_86296f8fb19d1410e4d7608b');
  });
});

describe('scored-request log', () => {
  let client: ClickHouseClient;
  before(async () => {
    client = (await testClickHouse()).client;
  });

  it('writes a row whose features and response came encoded exactly like one that did not', async () => {
    await useClickHouseDatabase(client, 'request_log_encoded');
    await migrateWarehouse(client, quietLog);
    const log = new RequestLog(client, quietLog, createApiMetrics(), { flushMs: 60_000, batchRows: 100, maxBuffered: 100 });
    const features = { window: { from: '2027-01-01', to: '2027-02-01' }, bookedThisSeason: ['3'], budget: null };
    const response = { personal: true, items: [[12, 0.91], [7, 0.5]] };
    log.record({ ...row(1), features, response });
    const { features: _f, response: _r, ...head } = { ...row(2), features, response };
    log.recordWith(head, EncodedParts.of(features, response).json);
    await log.close();
    const result = await client.query({ query: 'SELECT request_id, subject, features, response FROM scored_requests ORDER BY request_id', format: 'JSONEachRow' });
    const rows = await result.json<{ request_id: string; subject: string; features: string; response: string }>();
    assert.deepEqual(rows.map((r) => [r.request_id, r.subject]), [['req-1', 'Q-1'], ['req-2', 'Q-2']]);
    assert.equal(rows[1].features, rows[0].features);
    assert.equal(rows[1].response, rows[0].response);
    assert.deepEqual(JSON.parse(rows[1].response), response);
  });

  it('writes to a ClickHouse server over HTTP (CLICKHOUSE_URL, or a ClickHouse of its own)', async () => {
    // No ClickHouse server runs here: a stand-in that keeps what it is sent shows the insert the API makes over HTTP.
    // (This found that the log could not be written to a server at all: @clickhouse/client refused the JSON lines.)
    const received: Array<{ query: string; body: string }> = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ query: new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '', body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const remote = createClient({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, compression: { request: false, response: false } });
    try {
      const log = new RequestLog(remote, quietLog, createApiMetrics(), { flushMs: 60_000, batchRows: 100, maxBuffered: 100 });
      for (let i = 0; i < 3; i++) log.record(row(i));
      await log.close();
      const inserts = received.filter((r) => /^INSERT INTO/i.test(r.query));
      assert.equal(inserts.length, 1);
      assert.match(inserts[0].query, /^INSERT INTO `scored_requests` \(`request_id`, `item`, .*`latency_ms`\) FORMAT JSONEachRow$/);
      assert.deepEqual(inserts[0].body.trim().split('\n').map((line) => JSON.parse(line).request_id), ['req-0', 'req-1', 'req-2']);
    } finally {
      await remote.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('writes buffered rows to ClickHouse in batches, off the caller’s path', async () => {
    await useClickHouseDatabase(client, 'request_log_batches');
    await migrateWarehouse(client, quietLog);
    const metrics = createApiMetrics();
    const log = new RequestLog(client, quietLog, metrics, { flushMs: 60_000, batchRows: 4, maxBuffered: 100 });
    for (let i = 0; i < 3; i++) log.record(row(i));
    assert.equal(log.pending, 3, 'below a batch nothing is written before the timer');
    log.record(row(3));
    await log.flush();
    for (let i = 4; i < 6; i++) log.record(row(i));
    await log.close();
    assert.equal(await count(client), 6);
    assert.equal(metrics.requestLogRows.value({ outcome: 'written' }), 6);
    const result = await client.query({ query: `SELECT subject, defaulted_features, JSONExtractInt(features, 'group_size') AS g FROM scored_requests WHERE request_id = 'req-5'`, format: 'JSONEachRow' });
    assert.deepEqual(await result.json(), [{ subject: 'Q-5', defaulted_features: ['season_score'], g: 5 }]);
  });

  it('a flush writes the rows waiting when it began; rows recorded during it wait for the next flush', async () => {
    // Under steady traffic, writing also what arrived during the insert (and then what arrived during that one, …)
    // was an endless run of inserts of a few dozen rows, each a part for ClickHouse to merge.
    await useClickHouseDatabase(client, 'request_log_flush_bound');
    await migrateWarehouse(client, quietLog);
    const metrics = createApiMetrics();
    const log = new RequestLog(client, quietLog, metrics, { flushMs: 60_000, batchRows: 10_000, maxBuffered: 100_000 });
    for (let i = 0; i < 500; i++) log.record(row(i));
    let flushed = false;
    const flushing = log.flush().then(() => (flushed = true));
    let during = 0;
    // Fewer than a batch: a batch filled during the flush is sealed and written by it, as a full batch should be.
    while (!flushed && during < 200) {
      log.record(row(500 + during++));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await flushing;
    assert.ok(during > 0, 'rows were recorded while the insert ran');
    assert.equal(metrics.requestLogRows.value({ outcome: 'written' }), 500);
    assert.equal(log.pending, during);
    assert.equal(await count(client), 500);
    await log.close();
    assert.equal(await count(client), 500 + during);
  });

  it('keeps rows while ClickHouse refuses them and writes them once it accepts again', async () => {
    await useClickHouseDatabase(client, 'request_log_retry');
    const metrics = createApiMetrics();
    const log = new RequestLog(client, quietLog, metrics, { flushMs: 60_000, batchRows: 10, maxBuffered: 100 });
    log.record(row(1));
    log.record(row(2));
    await log.flush();
    assert.equal(log.pending, 2, 'the table does not exist yet: rows wait');
    await migrateWarehouse(client, quietLog);
    await log.flush();
    assert.equal(log.pending, 0);
    assert.equal(await count(client), 2);
    await log.close();
  });

  it('drops the oldest rows past maxBuffered and counts them', async () => {
    await useClickHouseDatabase(client, 'request_log_bound');
    const metrics = createApiMetrics();
    const log = new RequestLog(client, quietLog, metrics, { flushMs: 60_000, batchRows: 1000, maxBuffered: 5 });
    for (let i = 0; i < 8; i++) log.record(row(i));
    assert.equal(log.pending, 5);
    assert.equal(metrics.requestLogRows.value({ outcome: 'dropped' }), 3);
    await migrateWarehouse(client, quietLog);
    await log.close();
    const result = await client.query({ query: 'SELECT request_id FROM scored_requests ORDER BY request_id', format: 'JSONEachRow' });
    assert.deepEqual((await result.json<{ request_id: string }>()).map((r) => r.request_id), ['req-3', 'req-4', 'req-5', 'req-6', 'req-7']);
  });
});
