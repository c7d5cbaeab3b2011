import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { applyRetention } from '../../pipelines/warehouse/retention.ts';
import { quietLog, testClickHouse, useClickHouseDatabase } from '../support/services.ts';

/** The request log (customer ids and what they asked) expires after REQUEST_LOG_RETENTION_DAYS. */
describe('retention of the request log', () => {
  let client: ClickHouseClient;
  const rows = async () => (await (await client.query({ query: 'SELECT request_id FROM scored_requests ORDER BY request_id', format: 'JSONEachRow' })).json<{ request_id: string }>()).map((r) => r.request_id);

  before(async () => {
    ({ client } = await testClickHouse());
    await useClickHouseDatabase(client, 'retention');
    await migrateWarehouse(client, quietLog);
  });

  it('drops rows older than the period, keeps newer ones, and changes the period when the setting changes', async () => {
    await applyRetention(client, { requestLog: 30, chat: 180 }, quietLog);
    const day = 86_400_000;
    const at = (daysAgo: number) => new Date(Date.now() - daysAgo * day).toISOString().replace('T', ' ').replace('Z', '');
    await client.insert({
      table: 'scored_requests',
      values: [
        { request_id: 'old', item: 0, scored_at: at(45), route: 'r', family: 'recommender', model_version: 'v', feature_snapshot_id: '', defaulted_features: [], caller_kind: 'api-key', caller_id: '1', caller_role: 'admin', subject: 'customer:1', customer_id: 1, request: '{}', features: '{}', response: '{}', latency_ms: 1 },
        { request_id: 'recent', item: 0, scored_at: at(5), route: 'r', family: 'recommender', model_version: 'v', feature_snapshot_id: '', defaulted_features: [], caller_kind: 'api-key', caller_id: '1', caller_role: 'admin', subject: 'customer:1', customer_id: 1, request: '{}', features: '{}', response: '{}', latency_ms: 1 },
      ],
      format: 'JSONEachRow',
    });
    await client.command({ query: 'OPTIMIZE TABLE scored_requests FINAL' });
    assert.deepEqual(await rows(), ['recent']);

    await applyRetention(client, { requestLog: 2, chat: 180 }, quietLog);
    await client.command({ query: 'OPTIMIZE TABLE scored_requests FINAL' });
    assert.deepEqual(await rows(), []);
    const [table] = await (await client.query({ query: "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = 'scored_requests'", format: 'JSONEachRow' })).json<{ engine_full: string }>();
    assert.match(table.engine_full, /TTL toDateTime\(scored_at\) \+ toIntervalDay\(2\)/);
  });
});
