import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { onCluster } from '../../platform/clickhouse-cluster.ts';
import { testClickHouse, useClickHouseDatabase } from '../../test/support/services.ts';
import { tablesFedBy } from './fed-tables.ts';

/**
 * What `ingest --full` empties along with a copy (source-cluster.ts emptyCopies): every table the copy's inserts
 * write through materialized views, however the view is written, and nothing a refresh rebuilds by itself.
 * ingest-restore.test.ts checks the acceptance mart itself after a rebuild.
 */
const ch = (await testClickHouse()).client;

describe('the tables a copy feeds through materialized views', () => {
  it('follows views with a TO table, in this database or another, views that keep their own rows, and views of those', async () => {
    await useClickHouseDatabase(ch, 'fed_tables');
    await ch.command({ query: 'CREATE DATABASE IF NOT EXISTS fed_elsewhere' });
    for (const query of [
      'CREATE TABLE copy (id UInt64, n UInt32) ENGINE = MergeTree ORDER BY id',
      'CREATE TABLE daily (id UInt64, n UInt64) ENGINE = SummingMergeTree ORDER BY id',
      'CREATE MATERIALIZED VIEW daily_mv TO daily AS SELECT id, toUInt64(n) AS n FROM copy',
      'CREATE TABLE fed_elsewhere.`odd name` (n UInt64) ENGINE = MergeTree ORDER BY n',
      'CREATE MATERIALIZED VIEW `odd name mv` TO fed_elsewhere.`odd name` AS SELECT n FROM daily',
      'CREATE MATERIALIZED VIEW own_rows ENGINE = MergeTree ORDER BY id AS SELECT id FROM copy',
      'CREATE MATERIALIZED VIEW refreshed REFRESH EVERY 1 HOUR ENGINE = MergeTree ORDER BY id AS SELECT id, count() AS n FROM copy GROUP BY id',
      'CREATE TABLE unrelated (id UInt64) ENGINE = MergeTree ORDER BY id',
      'CREATE MATERIALIZED VIEW unrelated_mv TO daily AS SELECT id, 1 AS n FROM unrelated',
    ]) {
      await ch.command({ query });
    }
    const fed = await tablesFedBy(ch, 'copy');
    assert.deepEqual([...fed].sort(), ['`fed_elsewhere`.`odd name`', '`fed_tables`.`daily`', '`fed_tables`.`own_rows`']);
    assert.deepEqual(await tablesFedBy(ch, 'unrelated'), ['`fed_tables`.`daily`', '`fed_elsewhere`.`odd name`']);
    assert.deepEqual(await tablesFedBy(ch, 'daily'), ['`fed_elsewhere`.`odd name`']);
    assert.deepEqual(await tablesFedBy(ch, 'fed_elsewhere.`odd name`'), [], 'a name is a table’s name, not an expression');

    // Emptied as emptyCopies empties them, each name a statement of its own, also on a cluster.
    const rows = async (table: string) => Number((await (await ch.query({ query: `SELECT count() AS n FROM ${table}`, format: 'JSONEachRow' })).json<{ n: string }>())[0].n);
    await ch.insert({ table: 'copy', values: [{ id: 1, n: 2 }], format: 'JSONEachRow' });
    for (const table of fed) assert.equal(await rows(table), 1, `${table} fed`);
    for (const table of fed) await ch.command({ query: `TRUNCATE TABLE ${table}` });
    for (const table of fed) assert.equal(await rows(table), 0, `${table} emptied`);
    assert.equal(onCluster('TRUNCATE TABLE `fed_elsewhere`.`odd name`', 'spirit'), "TRUNCATE TABLE `fed_elsewhere`.`odd name` ON CLUSTER 'spirit'");
  });
});
