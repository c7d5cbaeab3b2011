import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { pathToFileURL } from 'node:url';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import type { StepContext } from '../step.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { readAudit } from '../../platform/audit-log.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { currentVersion, isComplete, writeBatch } from './support/batch-output.ts';
import { evaluateStep } from './evaluate.ts';

/**
 * Promotion decisions on registered demand versions whose metrics and holdouts are set by the test: the artefacts
 * are never loaded by evaluate, so they are empty forecaster states.
 */
/** A warehouse, a booking database and a registry of one describe block's own, and the step's context over them. */
async function openEvaluateWorld(name: string): Promise<{ client: ClickHouseClient; registry: ModelRegistry; db: TestDatabase; ctx: StepContext }> {
  const { client } = await testClickHouse();
  await useClickHouseDatabase(client, name);
  await migrateWarehouse(client, quietLog);
  const registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
  const db = await bookingDatabase(name);
  return { client, registry, db, ctx: { config: testConfig(), log: quietLog, pg: db.pool, clickhouse: client, registry, runId: 'run', params: {} } };
}

/** A demand version with the holdout and figures the test sets. */
const registerDemand = (registry: ModelRegistry, holdoutId: string, mase: number, naive: number) =>
  registry.register({
    artifact: { family: 'demand', formatVersion: 1, params: {}, state: {} },
    dataWindow: { from: '2023-01-01', to: '2025-07-01' },
    featuresVersion: 'demand-series-v1',
    metrics: { mase, seasonal_naive_mase: naive },
    holdoutId,
  });

/** A batch of n forecast rows of one series. */
const forecastRows = (n: number) => [Array.from({ length: n }, (_, i) => ({ series_id: 'destination/cusco/travellers', entity_code: 'cusco', measure: 'travellers', date: `2025-07-${String(i + 1).padStart(2, '0')}`, mean: n, lo80: 0, hi80: 2 * n, lo95: 0, hi95: 3 * n }))];

describe('evaluate step', () => {
  let client: ClickHouseClient;
  let registry: ModelRegistry;
  let ctx: StepContext;
  let db: TestDatabase;
  const register = (holdoutId: string, mase: number, naive: number) => registerDemand(registry, holdoutId, mase, naive);
  const currentRows = async () => Number((await queryRows<{ n: string }>(client, `SELECT count() AS n FROM demand_forecasts_current`))[0].n);
  const last = async () => (await registry.decisions('demand')).at(-1)!;

  before(async () => {
    ({ client, registry, db, ctx } = await openEvaluateWorld('evaluate_step'));
  });
  after(async () => db?.drop());

  it('makes the first version champion and points readers at its batch', async () => {
    const v1 = await register('demand:2025-04-01..2025-07-01', 1.0, 1.2);
    await writeBatch(client, 'demand_forecasts', v1.version, 'run', forecastRows(3), await registry.aliases('demand'));
    const { outputs } = await evaluateStep.run(ctx);
    assert.equal(outputs.demand, 'demand-000001 promoted');
    assert.equal(outputs.price, 'no version');
    assert.equal(await currentVersion(client, 'demand_forecasts'), 'demand-000001');
    assert.deepEqual(await queryRows(client, `SELECT DISTINCT model_version FROM demand_forecasts_current`), [{ model_version: 'demand-000001' }]);
    const [promotion] = await readAudit(db.pool, { action: 'model.promote' });
    assert.equal(promotion.target, 'model:demand/demand-000001');
    assert.equal(promotion.source, 'pipeline');
  });

  it('keeps the champion when a version is worse on the same holdout, and judges a version once', async () => {
    await register('demand:2025-04-01..2025-07-01', 1.1, 1.2);
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000002 challenger');
    assert.equal((await last()).reason, "mase 1.1 is worse than champion's 1 (tolerance 0.01)");
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000002 already judged');
    assert.equal((await registry.aliases('demand')).champion, 'demand-000001');
  });

  it('promotes on a new holdout only a version that beats its baseline there, and moves readers when its batch is complete', async () => {
    const v3 = await register('demand:2025-05-01..2025-08-01', 0.9, 1.0);
    await writeBatch(client, 'demand_forecasts', v3.version, 'run', forecastRows(5), await registry.aliases('demand'));
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000003 promoted');
    const decision = await last();
    assert.equal(decision.action, 'promote');
    assert.match(decision.reason, /holdout moved on \(demand:2025-05-01\.\.2025-08-01\); mase 0\.9 beats the baseline's 1 on it/);
    assert.equal(await currentVersion(client, 'demand_forecasts'), 'demand-000003');
    assert.equal(await currentRows(), 5);

    await register('demand:2025-06-01..2025-09-01', 1.3, 1.2);
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000004 challenger');
    assert.match((await last()).reason, /holdouts differ/);
  });

  it('leaves to a person a version on an older window (a backfill) or on another kind of holdout, even one that beats its baseline', async () => {
    // The champion is on demand:2025-05-01..2025-08-01 with mase 0.9; both of these beat their own baselines by far.
    const older = await register('demand:2024-01-01..2024-04-01', 0.99, 5.0);
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, `${older.version} challenger`);
    const otherKind = await register('demand:2025-06-01..2025-09-01:every-quotation', 0.99, 5.0);
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, `${otherKind.version} challenger`);
    assert.equal((await registry.aliases('demand')).champion, 'demand-000003');
  });

  it('leaves readers on the current batch when the champion has none complete', async () => {
    const v5 = await register('demand:2025-06-01..2025-09-01', 1.0, 1.2);
    // Rows written but never marked complete: a run that died while writing.
    await client.insert({ table: 'demand_forecasts', values: forecastRows(2)[0].map((r) => ({ ...r, model_version: v5.version, generated_at: '2025-07-01 00:00:00' })), format: 'JSONEachRow' });
    await registry.promote('demand', v5.version, 'by hand');
    await evaluateStep.run(ctx);
    assert.equal(await currentVersion(client, 'demand_forecasts'), 'demand-000003');
    assert.equal(await currentRows(), 5);
  });
});

describe('evaluate step after a rollback', () => {
  let client: ClickHouseClient;
  let registry: ModelRegistry;
  let ctx: StepContext;
  let db: TestDatabase;
  const register = (mase: number) => registerDemand(registry, 'demand:A', mase, 1.2);
  const written = async (rows: number) => {
    const version = await register(rows === 4 ? 0.9 : rows === 5 ? 0.95 : 1.0);
    await writeBatch(client, 'demand_forecasts', version.version, 'run', forecastRows(rows), await registry.aliases('demand'));
    return version.version;
  };
  const current = async () => ({
    version: await currentVersion(client, 'demand_forecasts'),
    rows: Number((await queryRows<{ n: string }>(client, `SELECT count() AS n FROM demand_forecasts_current`))[0].n),
  });

  before(async () => {
    ({ client, registry, db, ctx } = await openEvaluateWorld('evaluate_rollback'));
  });
  after(async () => db?.drop());

  it('readers follow a rollback to the previous champion’s batch, and never to a batch that was dropped', async () => {
    const v1 = await written(3);
    await evaluateStep.run(ctx);
    const v2 = await written(4);
    await evaluateStep.run(ctx); // v2 champion, v1 the champion before it
    await written(5); // a challenger: its write drops what no reader can need, but not v1
    await evaluateStep.run(ctx);
    assert.deepEqual(await current(), { version: v2, rows: 4 });

    await registry.rollback('demand', 'v2 misbehaves');
    await evaluateStep.run(ctx);
    assert.deepEqual(await current(), { version: v1, rows: 3 });

    // v2 is now neither champion, challenger, current nor a rollback target: the next write drops its batch, which
    // then no longer counts as complete, so promoting v2 by hand leaves readers where they are.
    const { dropped } = await writeBatch(client, 'demand_forecasts', (await register(1.0)).version, 'run', forecastRows(6), await registry.aliases('demand'));
    assert.deepEqual(dropped, [v2]);
    assert.equal(await isComplete(client, 'demand_forecasts', v2), false);
    await registry.promote('demand', v2, 'by hand');
    await evaluateStep.run(ctx);
    assert.deepEqual(await current(), { version: v1, rows: 3 });
  });
});

describe('evaluate step on a first version worse than its baseline', () => {
  let client: ClickHouseClient;
  let registry: ModelRegistry;
  let ctx: StepContext;
  let db: TestDatabase;
  const register = (mase: number, naive: number) => registerDemand(registry, 'demand:2025-04-01..2025-07-01', mase, naive);

  before(async () => {
    ({ client, registry, db, ctx } = await openEvaluateWorld('evaluate_first_version'));
  });
  after(async () => db?.drop());

  it('does not make it champion: it is the challenger, and the decision gives both figures', async () => {
    const worse = await register(1.3, 1.2);
    await writeBatch(client, 'demand_forecasts', worse.version, 'run', [[{ series_id: 'destination/cusco/travellers', entity_code: 'cusco', measure: 'travellers', date: '2025-07-01', mean: 1, lo80: 0, hi80: 2, lo95: 0, hi95: 3 }]], await registry.aliases('demand'));
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000001 challenger');
    assert.deepEqual(await registry.aliases('demand'), { champion: null, challenger: 'demand-000001', previousChampions: [] });
    const decision = (await registry.decisions('demand')).at(-1)!;
    assert.match(decision.reason, /^no champion yet, but mase 1\.3 is worse than its baseline's 1\.2 \(seasonal_naive_mase, tolerance 0\.01\) on demand:2025-04-01\.\.2025-07-01: not served; promote it by hand/);
    assert.deepEqual([decision.candidateValue, decision.baselineValue, decision.championAfter], [1.3, 1.2, null]);
    assert.equal(decision.rule?.baseline, 'seasonal_naive_mase');
    assert.deepEqual(await readAudit(db.pool, { action: 'model.promote' }), [], 'nothing was promoted');
    assert.equal(await currentVersion(client, 'demand_forecasts'), null, 'readers are not pointed at its batch');
  });

  it('promotes the next version that is not worse than its baseline, and says so', async () => {
    await register(1.1, 1.2);
    assert.equal((await evaluateStep.run(ctx)).outputs.demand, 'demand-000002 promoted');
    assert.equal((await registry.aliases('demand')).champion, 'demand-000002');
    assert.equal((await registry.decisions('demand')).at(-1)!.reason, "no champion yet; mase 1.1 is not worse than its baseline's 1.2 (seasonal_naive_mase, tolerance 0.01)");
  });
});
