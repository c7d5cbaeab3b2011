import { readFileSync } from 'node:fs';
import { UsageError } from '../../platform/errors.ts';
import { intArg, stringArg, type Command } from '../command.ts';
import { DESTINATIONS } from '../../domain/generator/catalogue-data.ts';
import { parseIsoDay } from '../../models/nlu/calendar-holidays.ts';
import { parseLabelledMessages } from '../../models/nlu/labelled-messages.ts';
import { benchmarkUnderstanding } from '../../models/nlu/nlu-benchmark.ts';
import { DEFAULT_TRAINING, trainUnderstander } from '../../models/nlu/train-understander.ts';

/**
 * `spirit-ml nlu-benchmark`: trains the message understander on the generated corpus (seeded, the catalogue's
 * destinations) and scores it, next to the keyword baseline, on a file of labelled messages.
 */
export const command: Command = {
  name: 'nlu-benchmark',
  summary: 'Score the message understander and the keyword baseline on labelled messages (JSON lines)',
  options: {
    file: { type: 'string', short: 'f', multiple: false, description: 'Labelled messages, one JSON object per line: {text, lang, intent, entities}' },
    today: { type: 'string', short: 't', multiple: false, description: 'The day relative dates are resolved against, YYYY-MM-DD' },
    seed: { type: 'string', short: 's', multiple: false, description: 'Seed of the training corpus and of training', default: String(DEFAULT_TRAINING.seed) },
  },
  details:
    'Prints one JSON line: {"intent": {"accuracy", "macroF1"}, "entities": {"destination", "date_from", "date_to", "party_size", "budget", "service_level"}, "latencyMsP99", "baseline": {the same for the keyword rules}}.',
  async run(args, ctx) {
    const file = stringArg(args, 'file');
    const today = stringArg(args, 'today');
    if (parseIsoDay(today) === undefined) throw new UsageError(`--today must be a date YYYY-MM-DD, got "${today}"`, 'today');
    const seed = intArg(args, 'seed', { min: 0, max: 2 ** 32 - 1 });
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--file: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'file');
    }
    const messages = parseLabelledMessages(text, file);
    const { model, metrics } = await trainUnderstander(DESTINATIONS, { ...DEFAULT_TRAINING, seed });
    ctx.log.info('nlu-benchmark trained', { trainingMessages: metrics.training_messages, messages: messages.length });
    ctx.out(JSON.stringify(benchmarkUnderstanding(model, messages, today)) + '\n');
  },
};
