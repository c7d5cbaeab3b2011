import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import { onCluster, REPLICA_NAME, REPLICA_PATH } from '../../platform/clickhouse-cluster.ts';
import { quietLog, testClickHouse } from '../../test/support/services.ts';
import { migrateWarehouse, MIGRATIONS_TABLE, statementsOf, WAREHOUSE_MIGRATIONS_DIR } from './migrate.ts';

/**
 * Every warehouse migration statement as it runs on a cluster (CLICKHOUSE_CLUSTER), checked by ClickHouse's own
 * parser in chDB (formatQuery parses and prints the statement back; chDB has no cluster or Keeper to run it on):
 * each one parses, runs ON CLUSTER, has Replicated engines where the single server has MergeTree ones, and differs
 * from the single-server statement in nothing else.
 */
const CLUSTER = 'spirit';
const REPLICATED = /ENGINE = Replicated(\w*MergeTree)\('\/clickhouse\/tables\/\{uuid\}\/\{shard\}', '\{replica\}'(?:, )?/g;

interface Statement {
  file: string;
  sql: string;
}

const statements: Statement[] = [
  { file: 'migrate.ts', sql: MIGRATIONS_TABLE },
  ...fs
    .readdirSync(WAREHOUSE_MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((file) => statementsOf(fs.readFileSync(path.join(WAREHOUSE_MIGRATIONS_DIR, file), 'utf8')).map((sql) => ({ file, sql }))),
];

let ch: ClickHouseClient;

/** The statement as ClickHouse's parser reads it, printed back in one canonical form. */
async function parsed(sql: string): Promise<string> {
  const result = await ch.query({ query: 'SELECT formatQuery({sql:String}) AS text', query_params: { sql }, format: 'JSONEachRow' });
  return (await result.json<{ text: string }>())[0].text;
}

describe('warehouse migrations on a cluster', () => {
  before(async () => {
    ch = (await testClickHouse()).client;
  });

  it('are unchanged without a cluster', () => {
    for (const { sql } of statements) assert.equal(onCluster(sql, undefined), sql);
  });

  it('parse, run ON CLUSTER with Replicated engines, and differ from the single-server statements in nothing else', async () => {
    let replicatedEngines = 0;
    let localEngines = 0;
    const kinds = new Set<string>();
    for (const { file, sql } of statements) {
      const rewritten = onCluster(sql, CLUSTER);
      const text = await parsed(rewritten).catch((err: Error) => assert.fail(`${file}: ${err.message}\n${rewritten}`));
      const kind = /^\w+(?: OR REPLACE)?(?: MATERIALIZED)? \w+/.exec(text)![0];
      kinds.add(kind);
      if (kind === 'INSERT INTO') {
        assert.equal(rewritten, sql, `${file}: an insert is replicated by its table`);
        continue;
      }
      assert.match(text.split('\n')[0], new RegExp(`^${kind}(?: IF (?:NOT )?EXISTS)? \\S+ ON CLUSTER ${CLUSTER}\\b`), `${file}: ON CLUSTER\n${text}`);
      const engines = [...text.matchAll(/ENGINE = (\w+)/g)].map((m) => m[1]);
      for (const engine of engines) {
        if (!engine.endsWith('MergeTree')) continue;
        if (engine.startsWith('Replicated')) {
          replicatedEngines += 1;
          assert.ok(text.includes(`ENGINE = ${engine}('${REPLICA_PATH}', '${REPLICA_NAME}'`), `${file}: replica path and name first\n${text}`);
        } else {
          localEngines += 1;
          assert.match(text, /^REFRESH EVERY/m, `${file}: only a refreshable view keeps a local ${engine}\n${text}`);
        }
      }
      const undone = text.replace(` ON CLUSTER ${CLUSTER}`, '').replace(REPLICATED, 'ENGINE = $1(').replace(/ENGINE = (\w*MergeTree)\(\)/g, 'ENGINE = $1');
      assert.equal(undone, await parsed(sql), `${file}: only ON CLUSTER and the engine change`);
    }
    // What the migrations hold today, so that a check above cannot pass by matching nothing.
    assert.ok(replicatedEngines >= 40, `replicated engines: ${replicatedEngines}`);
    assert.equal(localEngines, 5, 'the five refreshable marts');
    for (const kind of ['CREATE TABLE', 'CREATE OR REPLACE TABLE', 'CREATE VIEW', 'CREATE MATERIALIZED VIEW', 'ALTER TABLE', 'INSERT INTO']) assert.ok(kinds.has(kind), `${kind} covered (${[...kinds].join(', ')})`);
  });

  it('are what the migrator sends when CLICKHOUSE_CLUSTER is set', async () => {
    const sent: string[] = [];
    const recording = {
      command: async ({ query }: { query: string }) => void sent.push(query),
      query: async () => ({ json: async () => [] }),
      insert: async () => undefined,
    } as unknown as ClickHouseClient;
    const applied = await migrateWarehouse(recording, quietLog, { cluster: CLUSTER });
    assert.equal(applied.length, new Set(statements.map((s) => s.file)).size - 1);
    assert.deepEqual(sent, statements.map(({ sql }) => onCluster(sql, CLUSTER)));
  });
});
