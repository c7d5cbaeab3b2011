import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { registerCluster } from '../platform/clickhouse.ts';
import { testClickHouse, useClickHouseDatabase } from '../test/support/services.ts';
import { replaceTable } from './materialise.ts';

/**
 * A feature table's rebuild on one server (chDB) and the statements it sends on a cluster: staging table, swap and
 * drops ON CLUSTER, each accepted by ClickHouse's parser (formatQuery; chDB has no cluster to run them on).
 */
describe('rebuilding a feature table', () => {
  it('swaps the new rows in on one server', async () => {
    const { client } = await testClickHouse();
    await useClickHouseDatabase(client, 'materialise');
    await client.command({ query: 'CREATE TABLE customer_features (customer_id UInt64, n UInt32) ENGINE = MergeTree ORDER BY customer_id' });
    await client.command({ query: 'INSERT INTO customer_features VALUES (1, 1)' });
    const { rows } = await replaceTable(client, 'customer_features', async (staging) => {
      await client.command({ query: `INSERT INTO ${staging} VALUES (2, 2), (3, 3)` });
    });
    assert.equal(rows, 2);
    const result = await client.query({ query: 'SELECT groupArray(customer_id) AS ids FROM (SELECT customer_id FROM customer_features ORDER BY customer_id)', format: 'JSONEachRow' });
    assert.deepEqual((await result.json<{ ids: unknown[] }>())[0].ids.map(Number), [2, 3]);
    const left = await client.query({ query: "SELECT count() AS n FROM system.tables WHERE database = 'materialise' AND name = 'customer_features__next'", format: 'JSONEachRow' });
    assert.equal(Number((await left.json<{ n: unknown }>())[0].n), 0, 'the staging table is gone');
  });

  it('runs its DDL on the cluster the client was opened for', async () => {
    const sent: string[] = [];
    const recording = {
      command: async ({ query }: { query: string }) => void sent.push(query),
      query: async () => ({ json: async () => [{ rows: '7' }] }),
    } as unknown as ClickHouseClient;
    registerCluster(recording, 'spirit');
    const { rows } = await replaceTable(recording, 'demand_series', async (staging) => void sent.push(`fill ${staging}`));
    assert.equal(rows, 7);
    assert.deepEqual(sent, [
      "DROP TABLE IF EXISTS demand_series__next ON CLUSTER 'spirit'",
      "CREATE TABLE demand_series__next ON CLUSTER 'spirit' AS demand_series",
      'fill demand_series__next',
      "EXCHANGE TABLES demand_series__next AND demand_series ON CLUSTER 'spirit'",
      "DROP TABLE IF EXISTS demand_series__next ON CLUSTER 'spirit'",
    ]);
    const { client } = await testClickHouse();
    for (const sql of sent.filter((s) => !s.startsWith('fill'))) {
      const result = await client.query({ query: 'SELECT formatQuery({sql:String}) AS text', query_params: { sql }, format: 'JSONEachRow' });
      assert.match((await result.json<{ text: string }>())[0].text, /ON CLUSTER spirit/, sql);
    }
  });
});
