import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import { ModelStateError } from '../contract.ts';
import { accuracy, macroF1 } from './classification-metrics.ts';
import { keywordIntent } from './keyword-baseline.ts';
import { parseLabelledMessages, type LabelledMessage } from './labelled-messages.ts';
import { MessageUnderstander } from './message-understander.ts';
import { benchmarkUnderstanding } from './nlu-benchmark.ts';
import { DEFAULT_TRAINING, trainUnderstander, type TrainedUnderstander } from './train-understander.ts';

const TEST_CORPUS_TODAY = '2026-03-10';

describe('message understander', () => {
  let trained: TrainedUnderstander;
  let testCorpus: LabelledMessage[];

  before(async () => {
    trained = await trainUnderstander(DESTINATIONS, DEFAULT_TRAINING);
    testCorpus = parseLabelledMessages(readFileSync(new URL('./corpus/test-messages.jsonl', import.meta.url), 'utf8'), 'test-messages.jsonl');
  });

  it('beats the keyword rules by a wide margin on the hand-written test corpus, in intent accuracy and macro-F1', () => {
    const truth = testCorpus.map((m) => m.intent);
    const model = testCorpus.map((m) => trained.model.classify(m.text).intent);
    const keywords = testCorpus.map((m) => keywordIntent(m.text));
    assert.ok(testCorpus.length >= 150, `${testCorpus.length} test messages`);
    assert.ok(accuracy(truth, model) >= accuracy(truth, keywords) + 0.25, `accuracy ${accuracy(truth, model)} vs keywords ${accuracy(truth, keywords)}`);
    assert.ok(macroF1(truth, model) >= macroF1(truth, keywords) + 0.25, `macro-F1 ${macroF1(truth, model)} vs keywords ${macroF1(truth, keywords)}`);
  });

  it('extracts every entity at least as well as the keyword rules, and the benchmark report says so', () => {
    const report = benchmarkUnderstanding(trained.model, testCorpus, TEST_CORPUS_TODAY);
    for (const [field, value] of Object.entries(report.entities)) {
      assert.ok(value >= report.baseline.entities[field as keyof typeof report.entities], `${field}: ${value} vs ${report.baseline.entities[field as keyof typeof report.entities]}`);
    }
    assert.ok(report.entities.destination > report.baseline.entities.destination);
    assert.ok(report.entities.party_size > report.baseline.entities.party_size);
    assert.equal(report.intent.accuracy, Number(accuracy(testCorpus.map((m) => m.intent), testCorpus.map((m) => trained.model.classify(m.text).intent)).toFixed(4)));
  });

  it('understands a message with every entity kind', () => {
    const [answer] = trained.model.predict([
      {
        text: 'buenas! cotizame el valle sagrado para 2 adultos y 2 niños del 28 de diciembre al 2 de enero, algo 4 estrellas, tenemos S/ 9.000 en total',
        today: TEST_CORPUS_TODAY,
      },
    ]);
    assert.equal(answer.intent, 'quotation_request');
    assert.equal(answer.language, 'es');
    assert.deepEqual(answer.entities, {
      destination: 'Sacred Valley',
      date_from: '2026-12-28',
      date_to: '2027-01-02',
      party_size: 4,
      budget: { amount: 9000, currency: 'PEN', per: 'party' },
      service_level: 'superior',
    });
    assert.deepEqual(answer.missing, []);
  });

  it('is deterministic: the same seed gives the same artefact, another seed other weights', async () => {
    const again = await trainUnderstander(DESTINATIONS, DEFAULT_TRAINING);
    assert.equal(JSON.stringify(again.model.toArtifact()), JSON.stringify(trained.model.toArtifact()));
    assert.deepEqual(again.metrics, trained.metrics);
    const other = await trainUnderstander(DESTINATIONS, { ...DEFAULT_TRAINING, seed: DEFAULT_TRAINING.seed + 1 });
    assert.notEqual((other.model.toArtifact().state as { weights: string }).weights, (trained.model.toArtifact().state as { weights: string }).weights);
  });

  it('round-trips through its JSON artefact and refuses another family', () => {
    const artifact = JSON.parse(JSON.stringify(trained.model.toArtifact()));
    const loaded = MessageUnderstander.fromArtifact(artifact);
    const batch = testCorpus.slice(0, 40).map((m) => ({ text: m.text, today: TEST_CORPUS_TODAY }));
    assert.deepEqual(loaded.predict(batch), trained.model.predict(batch));
    assert.deepEqual(loaded.metrics(), trained.model.metrics());
    assert.ok(trained.model.metrics().trained_messages > 0);
    assert.throws(() => MessageUnderstander.fromArtifact({ ...artifact, family: 'price' }), ModelStateError);
    assert.throws(() => new MessageUnderstander().predict([{ text: 'hola', today: TEST_CORPUS_TODAY }]), ModelStateError);
  });

  it('names the parameter or field at fault', async () => {
    assert.throws(() => new MessageUnderstander({ hashBits: 40 }), (err: Error & { field?: string }) => err.field === 'hashBits');
    assert.throws(() => new MessageUnderstander({ maxCharGram: 1, minCharGram: 2 }), (err: Error & { field?: string }) => err.field === 'maxCharGram');
    await assert.rejects(new MessageUnderstander().fit({ messages: [{ text: 'hola', intent: 'chitchat' as never }], destinations: trained.model.destinations }), (err: Error & { field?: string }) => err.field === 'messages[0].intent');
    assert.throws(() => trained.model.predict([{ text: 'hola', today: '10/03/2026' }]), (err: Error & { field?: string }) => err.field === 'today');
  });

  it('records validation metrics that beat the keyword rules on the generated corpus too', () => {
    assert.ok(trained.metrics.intent_macro_f1 > trained.metrics.keyword_intent_macro_f1 + 0.25, JSON.stringify(trained.metrics));
    assert.equal(trained.metrics.training_messages + trained.metrics.validation_messages, 8 * 2 * DEFAULT_TRAINING.perIntentAndLanguage);
  });

  it("meets issue 27's goals on the corpus written by someone who never read this code", () => {
    const messages = parseLabelledMessages(readFileSync(new URL('./corpus/independent-messages.jsonl', import.meta.url), 'utf8'), 'independent-messages.jsonl');
    const report = benchmarkUnderstanding(trained.model, messages, '2026-12-07');
    const goals = { destination: 0.95, date_from: 0.85, date_to: 0.85, party_size: 0.92, budget: 0.95, service_level: 0.95 };
    assert.ok(report.intent.accuracy >= 0.9 && report.intent.macroF1 >= 0.88, JSON.stringify(report.intent));
    for (const [field, goal] of Object.entries(goals)) {
      assert.ok(report.entities[field as keyof typeof goals] >= goal, `${field}: ${report.entities[field as keyof typeof goals]} < ${goal}`);
    }
  });
});
