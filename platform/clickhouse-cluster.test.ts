import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { onCluster, REPLICA_NAME, REPLICA_PATH } from './clickhouse-cluster.ts';
import { loadConfig } from './config.ts';

/** The rewrite's rules on statements shaped like the ones it must handle (the migrations themselves: pipelines/warehouse). */
const REPLICA = `'${REPLICA_PATH}', '${REPLICA_NAME}'`;

describe('DDL on a ClickHouse cluster', () => {
  it('changes nothing without a cluster', () => {
    const statement = 'CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a';
    assert.equal(onCluster(statement, undefined), statement);
  });

  it('puts ON CLUSTER after the name and makes MergeTree engines replicated, their own arguments after the path', () => {
    assert.equal(
      onCluster('CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = MergeTree ORDER BY a', 'spirit'),
      `CREATE TABLE IF NOT EXISTS t ON CLUSTER 'spirit' (a UInt8) ENGINE = ReplicatedMergeTree(${REPLICA}) ORDER BY a`,
    );
    assert.equal(
      onCluster('CREATE OR REPLACE TABLE spirit.`odd name` (\n  v UInt64, d UInt8\n) ENGINE = ReplacingMergeTree(v, d) ORDER BY v', 'c-1'),
      `CREATE OR REPLACE TABLE spirit.\`odd name\` ON CLUSTER 'c-1' (\n  v UInt64, d UInt8\n) ENGINE = ReplicatedReplacingMergeTree(${REPLICA}, v, d) ORDER BY v`,
    );
    // Nested parentheses and a quoted parenthesis inside the engine's arguments.
    assert.equal(
      onCluster("CREATE TABLE s (k String, a UInt8, b UInt8) ENGINE=SummingMergeTree((a, b)) ORDER BY k COMMENT ')'", 'c'),
      `CREATE TABLE s ON CLUSTER 'c' (k String, a UInt8, b UInt8) ENGINE = ReplicatedSummingMergeTree(${REPLICA}, (a, b)) ORDER BY k COMMENT ')'`,
    );
    assert.equal(onCluster('CREATE TABLE g (a UInt8) ENGINE = AggregatingMergeTree() ORDER BY a', 'c'), `CREATE TABLE g ON CLUSTER 'c' (a UInt8) ENGINE = ReplicatedAggregatingMergeTree(${REPLICA}) ORDER BY a`);
  });

  it('leaves other engines, replicated engines, copies and views that write elsewhere as they are, ON CLUSTER added', () => {
    assert.equal(onCluster("CREATE TABLE f (a UInt8) ENGINE = File(CSV, 'a.csv')", 'c'), "CREATE TABLE f ON CLUSTER 'c' (a UInt8) ENGINE = File(CSV, 'a.csv')");
    assert.equal(
      onCluster("CREATE TABLE r (a UInt8) ENGINE = ReplicatedMergeTree('/x/{uuid}', '{replica}') ORDER BY a", 'c'),
      "CREATE TABLE r ON CLUSTER 'c' (a UInt8) ENGINE = ReplicatedMergeTree('/x/{uuid}', '{replica}') ORDER BY a",
    );
    assert.equal(onCluster('CREATE TABLE t__next AS t', 'c'), "CREATE TABLE t__next ON CLUSTER 'c' AS t");
    assert.equal(onCluster('CREATE MATERIALIZED VIEW IF NOT EXISTS m TO t AS SELECT 1', 'c'), "CREATE MATERIALIZED VIEW IF NOT EXISTS m ON CLUSTER 'c' TO t AS SELECT 1");
    assert.equal(onCluster('CREATE VIEW IF NOT EXISTS v AS SELECT * FROM t FINAL', 'c'), "CREATE VIEW IF NOT EXISTS v ON CLUSTER 'c' AS SELECT * FROM t FINAL");
  });

  it('keeps a local engine under a refreshable view: every server refreshes its own copy', () => {
    assert.equal(
      onCluster('CREATE MATERIALIZED VIEW IF NOT EXISTS m\nREFRESH EVERY 15 MINUTE\nENGINE = MergeTree ORDER BY a AS SELECT 1 AS a', 'c'),
      "CREATE MATERIALIZED VIEW IF NOT EXISTS m ON CLUSTER 'c'\nREFRESH EVERY 15 MINUTE\nENGINE = MergeTree ORDER BY a AS SELECT 1 AS a",
    );
  });

  it('runs ALTER, DROP, EXCHANGE and CREATE DATABASE on the cluster, inserts as they are, and refuses what it has no rule for', () => {
    assert.equal(onCluster('ALTER TABLE t\n  ADD COLUMN IF NOT EXISTS b UInt8', 'c'), "ALTER TABLE t ON CLUSTER 'c'\n  ADD COLUMN IF NOT EXISTS b UInt8");
    assert.equal(onCluster('DROP TABLE IF EXISTS t__next', 'c'), "DROP TABLE IF EXISTS t__next ON CLUSTER 'c'");
    assert.equal(onCluster('CREATE DATABASE IF NOT EXISTS spirit', 'c'), "CREATE DATABASE IF NOT EXISTS spirit ON CLUSTER 'c'");
    assert.equal(onCluster("ALTER TABLE t ON CLUSTER 'c' DROP COLUMN b", 'c'), "ALTER TABLE t ON CLUSTER 'c' DROP COLUMN b");
    const insert = 'INSERT INTO m SELECT * FROM t';
    assert.equal(onCluster(insert, 'c'), insert);
    assert.equal(onCluster('EXCHANGE TABLES a__next AND a', 'c'), "EXCHANGE TABLES a__next AND a ON CLUSTER 'c'");
    assert.equal(onCluster('RENAME TABLE a TO b', 'c'), "RENAME TABLE a TO b ON CLUSTER 'c'");
    assert.throws(() => onCluster('OPTIMIZE TABLE t FINAL', 'c'), { code: 'cluster_statement' });
    assert.throws(() => onCluster('CREATE TABLE t (a UInt8) ENGINE = MergeTree(a ORDER BY a', 'c'), { code: 'cluster_statement' });
    assert.throws(() => onCluster('CREATE TABLE t (a UInt8) ENGINE = Memory', "c'; DROP TABLE x; --"), { code: 'clickhouse_cluster' });
  });

  it('is read from CLICKHOUSE_CLUSTER, only next to a ClickHouse server', () => {
    assert.equal(loadConfig({}).clickhouseCluster, undefined);
    assert.equal(loadConfig({ CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_CLUSTER: ' spirit ' }).clickhouseCluster, 'spirit');
    assert.throws(() => loadConfig({ CLICKHOUSE_CLUSTER: 'spirit' }), { field: 'CLICKHOUSE_CLUSTER' });
    assert.throws(() => loadConfig({ CLICKHOUSE_URL: 'http://clickhouse:8123', CLICKHOUSE_CLUSTER: "x' OR 1" }), { field: 'CLICKHOUSE_CLUSTER' });
  });
});
