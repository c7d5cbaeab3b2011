import { createHash } from 'node:crypto';
import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import type { CatalogueDestination } from '../../models/nlu/destination-gazetteer.ts';
import { MODEL_FAMILIES } from '../../models/families.ts';
import { trainUnderstander } from '../../models/nlu/train-understander.ts';
import { runParam, seedParam } from './support/step-params.ts';

/**
 * The message understander (issue 27), trained on the corpus generated from the booking system's own catalogue
 * (so a destination added there is recognised the next night) and scored on the corpus's seeded validation
 * split next to the keyword rules. The holdout id names the seed, the split and the catalogue, so two versions
 * are compared only on the same validation messages.
 */
export const trainNluStep: Step = {
  name: 'train-nlu',
  description: 'Message understanding: intent classifier on hashed n-grams trained on the generated corpus, entity rules with the catalogue gazetteer',
  reads: ['pg:destinations'],
  writes: ['model:nlu'],
  after: [],
  heavy: true,
  async run(ctx) {
    const seed = seedParam(ctx);
    const training = {
      seed,
      perIntentAndLanguage: runParam(ctx, MODEL_FAMILIES.nlu.params.perIntentAndLanguage),
      validationEvery: runParam(ctx, MODEL_FAMILIES.nlu.params.validationEvery),
    };
    const { rows } = await ctx.pg.query<CatalogueDestination>('SELECT code, name FROM destinations ORDER BY id');
    if (rows.length === 0) throw new InputError('the catalogue has no destinations to recognise; generate or import the catalogue first', 'destinations');
    const { model, metrics } = await trainUnderstander(rows, training);
    const catalogue = createHash('sha256').update(rows.map((d) => `${d.code}=${d.name}`).join('\n')).digest('hex').slice(0, 12);
    const now = new Date();
    const version = await ctx.registry.register({
      artifact: model.toArtifact(),
      dataWindow: { from: now, to: now },
      featuresVersion: `nlu-hashed-ngrams-${model.params.hashBits}b-${model.params.minCharGram}-${model.params.maxCharGram}`,
      metrics,
      holdoutId: `nlu:generated-seed-${seed}-per-${training.perIntentAndLanguage}-one-in-${training.validationEvery}-catalogue-${catalogue}`,
      compress: true,
    });
    const round = (x: number) => Number(x.toFixed(4));
    return {
      outputs: {
        version: version.version,
        intentAccuracy: round(metrics.intent_accuracy),
        intentMacroF1: round(metrics.intent_macro_f1),
        keywordIntentMacroF1: round(metrics.keyword_intent_macro_f1),
        trainingMessages: metrics.training_messages,
        validationMessages: metrics.validation_messages,
      },
    };
  },
};
