import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { checkArtifact, type ModelArtifact } from './contract.ts';
import { MODEL_FAMILIES, type ModelFamilies, type ModelFamily } from './families.ts';
import { ModelRegistry } from './registry/model-registry.ts';
import { ChampionModels } from '../serving/champions/champion-models.ts';
import { FAMILIES, type Family } from '../serving/champions/families.ts';
import { createApiMetrics } from '../serving/metrics/api-metrics.ts';
import { evaluateStep, evaluateStepFor } from '../pipelines/steps/evaluate.ts';
import { NIGHTLY_STEPS } from '../pipelines/steps/index.ts';
import { BATCH_OUTPUTS } from '../pipelines/steps/support/batch-output.ts';
import { FAMILY_PROMOTIONS } from '../pipelines/steps/support/promotion.ts';
import { bookingDatabase } from '../test/support/booking-database.ts';
import { quietLog, tempDir, testConfig, type TestDatabase } from '../test/support/services.ts';
import type { ClickHouseClient } from '@clickhouse/client';

/** A family that exists only in this test: it predicts the mean it was fitted on, plus an upstream offset. */
class MeanModel {
  readonly family = 'mean_test';
  constructor(readonly mean = 0) {}
  predict(batch: readonly number[]): number[] {
    return batch.map(() => this.mean);
  }
  toArtifact(): ModelArtifact<{ mean: number }> {
    return { family: this.family, formatVersion: 1, params: {}, state: { mean: this.mean } };
  }
  static fromArtifact(artifact: ModelArtifact): MeanModel {
    checkArtifact(artifact, 'mean_test', 1);
    return new MeanModel((artifact.state as { mean: number }).mean);
  }
}

const meanFamily: ModelFamily<MeanModel> = {
  name: 'mean_test',
  trainedBy: 'train-mean-test',
  load: async (artifact) => MeanModel.fromArtifact(artifact),
  upstream: ['segmentation'],
  params: {},
  promotion: { rule: { metric: 'mae', direction: 'lower', tolerance: 0 }, baseline: 'zero_mae' },
  evaluation: { holdout: 'none: a test family', metrics: ['mae', 'zero_mae'] },
  batchOutput: null,
};

describe('the family registry (models/families.ts)', () => {
  it('is what every consumer covers: serving, promotion, batch outputs, the evaluate step', () => {
    const names = Object.keys(MODEL_FAMILIES).sort();
    assert.deepEqual([...FAMILIES].sort(), names);
    assert.deepEqual(FAMILY_PROMOTIONS.map((p) => p.family).sort(), names);
    assert.deepEqual(
      Object.entries(BATCH_OUTPUTS).sort(),
      Object.values(MODEL_FAMILIES)
        .filter((f) => f.batchOutput !== null)
        .map((f) => [f.batchOutput!.table, f.name])
        .sort(),
    );
    assert.deepEqual([...evaluateStep.after].sort(), Object.values(MODEL_FAMILIES).map((f) => f.trainedBy).sort());
    for (const family of Object.values(MODEL_FAMILIES)) {
      const step = NIGHTLY_STEPS.find((s) => s.name === family.trainedBy);
      assert.ok(step, `${family.name} is trained by ${family.trainedBy}, which is not a nightly step`);
      assert.ok(step.writes.includes(`model:${family.name}`), `${step.name} does not declare model:${family.name}`);
      if (family.batchOutput) assert.ok(step.writes.includes(`ch:${family.batchOutput.table}`), `${step.name} does not declare ch:${family.batchOutput.table}`);
      for (const upstream of family.upstream) assert.ok(upstream in MODEL_FAMILIES, `${family.name}'s upstream ${upstream} is not a family`);
      const recorded: readonly string[] = family.evaluation.metrics;
      assert.ok(recorded.includes(family.promotion.rule.metric) && recorded.includes(family.promotion.baseline), `${family.name} does not list its promotion metrics`);
    }
    const trainingSteps = NIGHTLY_STEPS.filter((s) => s.writes.some((w) => w.startsWith('model:') && w !== 'model:aliases'));
    assert.deepEqual(trainingSteps.map((s) => s.name).sort(), Object.values(MODEL_FAMILIES).map((f) => f.trainedBy).sort());
  });

  describe('a family listed only in the registry handed to the consumers', () => {
    let registry: ModelRegistry;
    let db: TestDatabase;
    const families: ModelFamilies = { ...MODEL_FAMILIES, mean_test: meanFamily };

    before(async () => {
      registry = ModelRegistry.open(pathToFileURL(tempDir('families-registry')).href);
      db = await bookingDatabase('model_families');
    });
    after(async () => db?.drop());

    it('is promoted by the evaluate step and served, with the upstream version its record names', async () => {
      const segmenter = (await import('./segmentation/customer-segmenter.ts')).CustomerSegmenter;
      const rows = Array.from({ length: 60 }, (_, i) => [i % 3, (i * 7) % 5]);
      const fitted = await new segmenter({ seed: 1, maxSegments: 3, restarts: 1 }).fit({ customerIds: rows.map((_, i) => i + 1), featureNames: ['a', 'b'], rows });
      const segmentation = await registry.register({ artifact: fitted.toArtifact(), dataWindow: { from: '2025-01-01', to: '2025-02-01' }, featuresVersion: 'f', metrics: {}, holdoutId: 'h' });
      const version = await registry.register({
        artifact: new MeanModel(42).toArtifact(),
        dataWindow: { from: '2025-01-01', to: '2025-02-01' },
        featuresVersion: 'mean-v1',
        upstream: { segmentation: segmentation.version },
        metrics: { mae: 1, zero_mae: 42 },
        holdoutId: 'mean:2025-01',
      });

      const ctx = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse: undefined as unknown as ClickHouseClient, registry, runId: 'run', params: {} };
      const { outputs } = await evaluateStepFor({ mean_test: meanFamily }).run(ctx);
      assert.equal(outputs.mean_test, 'mean_test-000001 promoted');
      assert.equal((await registry.aliases('mean_test')).champion, version.version);

      const champions = new ChampionModels(registry, quietLog, createApiMetrics(), families);
      const outcomes = await champions.refresh();
      assert.equal(outcomes['mean_test' as Family], 'loaded');
      const served = champions.get('mean_test' as Family);
      assert.equal(served.version, 'mean_test-000001');
      assert.deepEqual(served.upstream, { segmentation: segmentation.version });
      assert.deepEqual((served.model as unknown as MeanModel).predict([1, 2]), [42, 42]);
      assert.ok(champions.status().some((s) => s.family === ('mean_test' as Family) && s.serving === version.version));
    });
  });
});
