import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../platform/errors.ts';
import { FEATURE_TABLES, replaceTable } from '../../features/materialise.ts';
import { latestFeatureBuild } from '../../features/feature-builds.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { pipelineFixture, type PipelineFixture } from '../../test/support/pipeline-fixture.ts';
import { buildFeaturesStep } from './build-features.ts';

describe('build-features step', () => {
  let f: PipelineFixture;
  /** Row count and an order-independent checksum of every column but the build time. */
  const contents = async (table: string) =>
    (await queryRows<{ n: string; sum: string }>(f.client, `SELECT count() AS n, toString(groupBitXor(cityHash64(* EXCEPT (built_at)))) AS sum FROM ${table}`))[0];

  before(async () => {
    f = await pipelineFixture('build_features', { customers: 300, years: 2 });
  });

  it('fills every feature table as of the midnight after the last fact, and records the build', async () => {
    const [run] = await f.run(['build-features']);
    const [{ last }] = await queryRows<{ last: string }>(
      f.client,
      `SELECT toString(toDate(greatest((SELECT max(booked_at) FROM bookings), (SELECT max(quoted_at) FROM quotations), (SELECT max(rated_at) FROM ratings), (SELECT max(changed_at) FROM booking_status_history))) + 1) AS last`,
    );
    const asOf = `${last}T00:00:00.000Z`;
    assert.equal(run.outputs?.asOf, asOf);
    for (const table of FEATURE_TABLES) {
      assert.ok(Number(run.outputs?.[table]) > 0, `${table} has rows`);
      const build = await latestFeatureBuild(f.client, table);
      assert.equal(build.asOf.toISOString(), asOf);
      assert.equal(build.rows, run.outputs?.[table]);
    }
  });

  it('leaves the same tables when run again, and no staging table behind', async () => {
    const first = await Promise.all(FEATURE_TABLES.map(contents));
    await f.run(['build-features']);
    assert.deepEqual(await Promise.all(FEATURE_TABLES.map(contents)), first);
    const staging = await queryRows(f.client, `SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE '%\\_\\_next'`);
    assert.deepEqual(staging, []);
  });

  it('keeps the previous table when a rebuild fails half-way', async () => {
    const before = await contents('demand_series');
    await assert.rejects(
      replaceTable(f.client, 'demand_series', async (staging) => {
        await f.client.insert({ table: staging, values: [{ frequency: 'daily', series_id: 'x/y/z', entity: 'x', entity_code: 'y', measure: 'z', date: '2025-01-01', value: 1, features_version: 'v', built_at: '2025-01-01 00:00:00' }], format: 'JSONEachRow' });
        throw new Error('ClickHouse went away');
      }),
      /went away/,
    );
    assert.deepEqual(await contents('demand_series'), before);
  });

  it('builds as of a given moment', async () => {
    await f.run(['build-features'], { asOf: '2025-01-01' });
    const [c] = await queryRows<{ as_of: string }>(f.client, `SELECT DISTINCT toString(as_of) AS as_of FROM customer_features`);
    assert.equal(c.as_of, '2025-01-01 00:00:00.000000');
    const [d] = await queryRows<{ last: string }>(f.client, `SELECT toString(max(date)) AS last FROM demand_series WHERE frequency = 'daily'`);
    assert.equal(d.last, '2024-12-31');
    // The price rows are the quotations made before it: a backfill learns only what was known then.
    const [p] = await queryRows<{ rows: string; after: string; last: string }>(
      f.client,
      `SELECT count() AS rows, countIf(quoted_at >= '2025-01-01') AS after, toString(max(quoted_at)) AS last FROM price_training_rows`,
    );
    assert.ok(Number(p.rows) > 0 && p.last < '2025-01-01', JSON.stringify(p));
    assert.equal(Number(p.after), 0);
    await assert.rejects(buildFeaturesStep.run(f.context({ asOf: 'last tuesday' })), (err: unknown) => err instanceof InputError && err.field === 'asOf');
  });
});
