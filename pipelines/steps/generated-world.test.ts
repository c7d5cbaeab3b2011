import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { generateWorld, type GroundTruth } from '../../domain/generator/index.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { adjustedRandIndex } from '../../models/segmentation/adjusted-rand-index.ts';
import { ingestStep } from '../ingest/ingest-step.ts';
import { runInProcess, type StepRun } from '../run-in-process.ts';
import { checkGraph } from '../runner/graph-check.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { NIGHTLY_STEPS } from './index.ts';
import { FAMILY_PROMOTIONS, beatsBaseline } from './support/promotion.ts';

/**
 * The whole nightly pipeline on a world from the generator: PostgreSQL → the ingest → features → the four model
 * families → promotion. The steps read only ClickHouse, so one PostgreSQL (the embedded one) is enough here; the
 * generator and the ingest run their own suites on both servers. 1,200 customers over three years keep it short.
 */
describe('nightly steps on a generated world', () => {
  let db: TestDatabase;
  let client: ClickHouseClient;
  let registry: ModelRegistry;
  let truth: GroundTruth;
  let runs: StepRun[];

  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'nightly_steps');
    ({ client } = await testClickHouse());
    await useClickHouseDatabase(client, 'nightly_steps');
    await migrateWarehouse(client, quietLog);
    ({ truth } = await generateWorld(db.pool, { customers: 1200, years: 3, seed: 42, endDate: '2025-07-01', log: quietLog }));
    registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
    const steps = checkGraph([ingestStep, ...NIGHTLY_STEPS]);
    runs = await runInProcess(steps, {
      config: testConfig(),
      log: quietLog,
      pg: db.pool,
      clickhouse: client,
      registry,
      runId: 'generated-world',
      params: { seed: 1, priceTrees: 40, priceBoostingIterations: 120 },
    });
  });
  after(async () => db?.drop());

  it('runs every step, in the order their declarations give', () => {
    assert.deepEqual(runs.map((r) => [r.step, r.status, r.error ?? '']), [
      ['ingest', 'succeeded', ''],
      ['build-features', 'succeeded', ''],
      ['train-segments', 'succeeded', ''],
      ['train-price', 'succeeded', ''],
      ['train-recommender', 'succeeded', ''],
      ['train-demand', 'succeeded', ''],
      ['train-nlu', 'succeeded', ''],
      ['evaluate', 'succeeded', ''],
      ['refresh-marts', 'succeeded', ''],
    ]);
  });

  it('promotes, in every family, a first version that beats its baseline on the held-out months', async () => {
    for (const promotion of FAMILY_PROMOTIONS) {
      const champion = await registry.get(promotion.family, 'champion');
      assert.ok(beatsBaseline(champion.metrics, promotion), `${promotion.family}: ${promotion.rule.metric} ${champion.metrics[promotion.rule.metric]} vs ${promotion.baseline} ${champion.metrics[promotion.baseline]}`);
    }
  });

  it('finds segments that agree with the world’s true ones', async () => {
    const assigned = await queryRows<{ customer_id: string; segment: number }>(client, `SELECT customer_id, segment FROM customer_segments_current ORDER BY customer_id`);
    const trueSegment = new Map(truth.customers.map((c) => [c.id, c.segment]));
    const ari = adjustedRandIndex(assigned.map((r) => r.segment), assigned.map((r) => trueSegment.get(Number(r.customer_id))!));
    // Behaviour alone (issue 3's seven features) agreed poorly: the segments differ in what they ask for (service
    // level, adventure), which the shares of their quotations show.
    assert.ok(ari >= 0.8, `adjusted Rand index ${ari}`);
    // Every segment is named in words (no raw feature name), and no two alike.
    const names = await queryRows<{ segment_name: string }>(client, `SELECT DISTINCT segment_name FROM customer_segments_current`);
    for (const { segment_name } of names) assert.doesNotMatch(segment_name, /_|\(segment \d+\)/);
  });

  it('fills the batch tables readers use with the champions’ versions', async () => {
    for (const [view, family] of [['customer_segments_current', 'segmentation'], ['customer_recommendations_current', 'recommender'], ['demand_forecasts_current', 'demand']] as const) {
      const [row] = await queryRows<{ v: string; n: string }>(client, `SELECT any(model_version) AS v, count() AS n FROM ${view}`);
      assert.equal(row.v, (await registry.aliases(family)).champion, view);
      assert.ok(Number(row.n) > 0, view);
    }
  });
});
