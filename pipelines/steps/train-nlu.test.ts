import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { MessageUnderstander } from '../../models/nlu/message-understander.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { bookingDatabase } from '../../test/support/booking-database.ts';
import { quietLog, tempDir, testClickHouse, testConfig, type TestDatabase } from '../../test/support/services.ts';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import type { StepContext } from '../step.ts';
import { evaluateStep } from './evaluate.ts';
import { trainNluStep } from './train-nlu.ts';

describe('train-nlu step', () => {
  let db: TestDatabase;
  let registry: ModelRegistry;
  let ctx: StepContext;

  before(async () => {
    db = await bookingDatabase('train_nlu');
    for (const d of [...DESTINATIONS, { code: 'chachapoyas', name: 'Chachapoyas & Kuélap', country: 'PE', region: 'Amazonas' }]) {
      await db.pool.query('INSERT INTO destinations (code, name, country, region) VALUES ($1, $2, $3, $4)', [d.code, d.name, d.country, d.region]);
    }
    registry = ModelRegistry.open(pathToFileURL(tempDir('registry')).href);
    const { client } = await testClickHouse();
    ctx = { config: testConfig(), log: quietLog, pg: db.pool, clickhouse: client, registry, runId: 'run', params: { seed: 3, nluMessagesPerIntent: 150 } };
  });
  after(async () => db?.drop());

  it('registers a version with its window, params and validation metrics that beat the keyword rules, and evaluate promotes it', async () => {
    const { outputs } = await trainNluStep.run(ctx);
    assert.equal(outputs.version, 'nlu-000001');
    const version = await registry.get('nlu', 'nlu-000001');
    assert.equal(version.params.seed, 3);
    assert.equal(version.params.hashBits, 16);
    assert.ok(version.dataWindow.from && version.dataWindow.to);
    assert.match(version.holdoutId, /^nlu:generated-seed-3-per-150-one-in-10-catalogue-[0-9a-f]{12}$/);
    assert.equal(version.metrics.training_messages + version.metrics.validation_messages, 8 * 2 * 150);
    assert.ok(version.metrics.intent_macro_f1 > version.metrics.keyword_intent_macro_f1 + 0.2, JSON.stringify(version.metrics));
    assert.ok(version.metrics.destination_accuracy > 0.9, JSON.stringify(version.metrics));
    const evaluated = await evaluateStep.run(ctx);
    assert.equal(evaluated.outputs.nlu, 'nlu-000001 promoted');
  });

  it('serves from its artefact the catalogue it was trained with, a destination added to the booking system included', async () => {
    const model = MessageUnderstander.fromArtifact(await registry.loadArtifact(await registry.get('nlu', 'champion')));
    const [answer] = model.predict([{ text: 'cuanto cuesta ir a Chachapoyas con mi esposa?', today: '2026-03-10' }]);
    assert.equal(answer.entities.destination, 'Chachapoyas & Kuélap');
    assert.equal(answer.entities.party_size, 2);
    assert.equal(answer.intent, 'quotation_request');
  });

  it('gives the same artefact for the same seed, and refuses an empty catalogue naming it', async () => {
    await trainNluStep.run(ctx);
    const [first, second] = await Promise.all([registry.get('nlu', 'nlu-000001'), registry.get('nlu', 'nlu-000002')]);
    assert.equal(second.artifact.sha256, first.artifact.sha256);
    const empty = await bookingDatabase('train_nlu_empty');
    try {
      await assert.rejects(trainNluStep.run({ ...ctx, pg: empty.pool }), (err: Error & { field?: string }) => err.field === 'destinations');
    } finally {
      await empty.drop();
    }
  });
});
