import { pathToFileURL } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { runInProcess, type StepRun } from '../../pipelines/run-in-process.ts';
import type { Step, StepContext } from '../../pipelines/step.ts';
import { NIGHTLY_STEPS } from '../../pipelines/steps/index.ts';
import { quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase } from './services.ts';
import { bookingDatabase } from './booking-database.ts';
import { writeWarehouseWorld, type WorldOptions, type WorldTruth } from '../worlds/warehouse-world.ts';

/**
 * A warehouse holding a synthetic world (warehouse-world.ts) in its own ClickHouse database, a fresh model registry,
 * and the nightly steps to run on it. The world is written straight into the warehouse tables, so the step named
 * `ingest` here only stands in for the real one (which copies from PostgreSQL) to satisfy the steps' `after`.
 */
export interface PipelineFixture {
  client: ClickHouseClient;
  registry: ModelRegistry;
  truth: WorldTruth;
  context(params?: StepContext['params']): StepContext;
  /** Runs the named steps (and the stand-in ingest) in order; throws with the step's error if one fails. */
  run(names: readonly string[], params?: StepContext['params']): Promise<StepRun[]>;
}

const worldIngest: Step = {
  name: 'ingest',
  description: 'stand-in: the synthetic world is already in the warehouse tables',
  reads: [],
  writes: [],
  after: [],
  run: async () => ({ outputs: {} }),
};

export async function pipelineFixture(database: string, world: Partial<WorldOptions> = {}): Promise<PipelineFixture> {
  const { client } = await testClickHouse();
  await useClickHouseDatabase(client, database);
  await migrateWarehouse(client, quietLog);
  const truth = await writeWarehouseWorld(client, { customers: 1000, years: 3, seed: 7, endDate: '2025-07-01', ...world });
  const registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
  // The steps write the audit log (promotions) in the booking database.
  const db = await bookingDatabase(database);
  const context = (params: StepContext['params'] = {}): StepContext => ({
    config: testConfig(),
    log: quietLog,
    pg: db.pool,
    clickhouse: client,
    registry,
    runId: `run-${Date.now()}`,
    params: { seed: 1, ...params },
  });
  return {
    client,
    registry,
    truth,
    context,
    async run(names, params) {
      // A test runs part of the pipeline: a step waits only for the chosen steps (evaluate for the trainings run).
      const chosen = new Set(['ingest', ...names]);
      const steps = NIGHTLY_STEPS.filter((s) => chosen.has(s.name)).map((s) => ({ ...s, after: s.after.filter((n) => chosen.has(n)) }));
      const runs = await runInProcess([worldIngest, ...steps], context(params));
      const failed = runs.find((r) => r.status !== 'succeeded');
      if (failed) throw new Error(`step ${failed.step} ${failed.status}: ${failed.error}`);
      return runs.filter((r) => r.step !== 'ingest');
    },
  };
}
