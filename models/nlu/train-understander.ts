import { mulberry32 } from '../../platform/random.ts';
import { accuracy, macroF1 } from './classification-metrics.ts';
import { DESTINATION_ALIASES } from './destination-aliases.ts';
import { buildGazetteer, DestinationMatcher, type CatalogueDestination } from './destination-gazetteer.ts';
import { keywordIntent } from './keyword-baseline.ts';
import { MessageUnderstander, type UnderstanderParams } from './message-understander.ts';
import { generateTrainingCorpus, type GeneratedMessage } from './corpus/training-corpus.ts';
import { extractBudget } from './budget.ts';
import { sameBudget } from './nlu-benchmark.ts';
import { extractPartySize } from './party-size.ts';
import { extractServiceLevel } from './service-level.ts';

/**
 * One training run: the seeded corpus is generated from the catalogue, one message in `validationEvery` is held
 * out (seeded), the understander is fitted on the rest and scored on the held-out messages, next to the keyword
 * baseline. The held-out messages come from the same templates, so these figures are optimistic; the
 * hand-written test corpus (corpus/test-messages.jsonl) is the honest measure.
 */
export interface UnderstanderTraining {
  seed: number;
  perIntentAndLanguage: number;
  validationEvery: number;
  params?: Partial<UnderstanderParams>;
}

export const DEFAULT_TRAINING: UnderstanderTraining = { seed: 1, perIntentAndLanguage: 400, validationEvery: 10 };

export interface TrainedUnderstander {
  model: MessageUnderstander;
  metrics: Record<string, number>;
}

function entityAccuracy(rows: readonly GeneratedMessage[], same: (row: GeneratedMessage) => boolean): number {
  return rows.length === 0 ? 0 : rows.filter(same).length / rows.length;
}

export async function trainUnderstander(destinations: readonly CatalogueDestination[], training: UnderstanderTraining = DEFAULT_TRAINING): Promise<TrainedUnderstander> {
  const gazetteer = buildGazetteer(destinations, DESTINATION_ALIASES);
  const corpus = generateTrainingCorpus(gazetteer, { seed: training.seed, perIntentAndLanguage: training.perIntentAndLanguage });
  const rng = mulberry32(training.seed ^ 0x5eed);
  const held = corpus.map(() => rng() < 1 / training.validationEvery);
  const train = corpus.filter((_, i) => !held[i]);
  const validation = corpus.filter((_, i) => held[i]);
  const model = await new MessageUnderstander({ seed: training.seed, ...training.params }).fit({ messages: train, destinations: gazetteer });
  const truth = validation.map((m) => m.intent);
  const predicted = validation.map((m) => model.classify(m.text).intent);
  const baseline = validation.map((m) => keywordIntent(m.text));
  const places = new DestinationMatcher(gazetteer);
  const metrics = {
    intent_accuracy: accuracy(truth, predicted),
    intent_macro_f1: macroF1(truth, predicted),
    keyword_intent_accuracy: accuracy(truth, baseline),
    keyword_intent_macro_f1: macroF1(truth, baseline),
    destination_accuracy: entityAccuracy(validation, (m) => (places.find(m.text)?.name ?? null) === m.entities.destination),
    party_size_accuracy: entityAccuracy(validation, (m) => extractPartySize(m.text) === m.entities.party_size),
    // As the benchmark compares them: the corpus does not label per person or per party.
    budget_accuracy: entityAccuracy(validation, (m) => sameBudget(m.entities.budget, extractBudget(m.text))),
    service_level_accuracy: entityAccuracy(validation, (m) => extractServiceLevel(m.text) === m.entities.service_level),
    training_messages: train.length,
    validation_messages: validation.length,
  };
  return { model, metrics };
}
