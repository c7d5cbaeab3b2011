import { existsSync } from 'node:fs';
import { UsageError } from '../../platform/errors.ts';
import { choiceArg, intArg, numberArg, stringArg, type Command } from '../command.ts';
import { COMPETITION_FREQUENCIES, runCompetitionBenchmark, type CompetitionFrequency } from '../../models/demand/competition-benchmark.ts';
import { STATISTICAL_MODELS } from '../../models/demand/statistical-models.ts';

/**
 * `spirit-ml forecast-benchmark`: the demand forecaster on the tourism forecasting competition data
 * (1,311 real series), or any folder in its layout (daily and weekly files too), printing one JSON line per frequency.
 */
const STRATEGIES = ['ensemble', 'best', ...STATISTICAL_MODELS, 'nbeats'] as const;

export const command: Command = {
  name: 'forecast-benchmark',
  summary: 'Score the demand forecaster on the tourism forecasting competition files (MASE, sMAPE, MAPE, coverage)',
  // `short` and `multiple` are spelt out: cli/command.ts passes them on even when undefined, which Node 20 rejects.
  options: {
    dir: { type: 'string', short: 'd', multiple: false, description: 'Folder with FREQUENCY_in.csv and FREQUENCY_oos.csv' },
    frequencies: { type: 'string', short: 'f', multiple: false, description: `Comma-separated, among ${COMPETITION_FREQUENCIES.join(', ')}; absent files are skipped`, default: COMPETITION_FREQUENCIES.join(',') },
    strategy: { type: 'string', short: 's', multiple: false, description: `One of ${STRATEGIES.join(', ')}`, default: 'ensemble' },
    'weight-power': { type: 'string', short: 'p', multiple: false, description: 'Combination weights ∝ 1/MASE^power', default: '2' },
    combination: { type: 'string', short: 'c', multiple: false, description: 'validated (chosen on the training part), mean, median or weighted:POWER, optionally followed by " without MEMBER"', default: 'validated' },
    origins: { type: 'string', short: 'o', multiple: false, description: 'Backtest cut-offs per yearly series', default: '3' },
    'seasonal-origins': { type: 'string', multiple: false, description: 'Backtest cut-offs per monthly or quarterly series', default: '5' },
    workers: { type: 'string', short: 'w', multiple: false, description: 'Worker threads', default: '2' },
    'statistical-only': { type: 'boolean', short: 'S', multiple: false, description: 'Leave out the global N-BEATS network (TensorFlow.js)', default: false },
    networks: { type: 'string', short: 'n', multiple: false, description: 'Networks in the ensemble, each from its own seed', default: '1' },
    epochs: { type: 'string', short: 'e', multiple: false, description: 'Training epochs of the network', default: '15' },
    'skip-ets': { type: 'boolean', multiple: false, description: 'Daily and weekly: leave out the AICc ETS baseline (the slowest part)', default: false },
    validation: {
      type: 'string',
      short: 'V',
      multiple: false,
      description: 'Score on the training files instead of the test: hold out their last N horizons, score the first of them (1: the last horizon); 0: the test files',
      default: '0',
    },
  },
  details:
    'Prints per frequency: { frequency, series, horizon, strategy, chosen: { mase, smape, mape, cover80, cover95 }, seasonalNaive, ' +
    'alternatives, fitSeconds, modelSeconds, mapeZeroActualsSkipped }. MAPE skips steps whose actual value is zero. ' +
    'With --validation N the test files give only the horizon: every choice of a model or a setting is made there, ' +
    'and the lines add { validation, seriesLeftOut } (series too short once N horizons are held out). ' +
    'Daily and weekly files (row 3 start year, row 4 start day or week of the year) are forecast by the multi-seasonal ' +
    'forecaster (seasonalities 7 and 365.25, or 52.18; Peru calendar events), next to seasonal naive (m = 7 / 52, also ' +
    "MASE's scale) and AICc ETS, with candidatesChosen.",
  async run(args, ctx) {
    const dir = stringArg(args, 'dir');
    if (!existsSync(dir)) throw new UsageError(`--dir ${dir} does not exist`, 'dir');
    const frequencies = stringArg(args, 'frequencies').split(',').map((f) => f.trim());
    for (const f of frequencies) {
      if (!(COMPETITION_FREQUENCIES as readonly string[]).includes(f)) throw new UsageError(`--frequencies: "${f}" is not one of ${COMPETITION_FREQUENCIES.join(', ')}`, 'frequencies');
    }
    const params = {
      strategy: choiceArg(args, 'strategy', STRATEGIES),
      weightPower: numberArg(args, 'weight-power', { min: 0, max: 20 }),
      combination: stringArg(args, 'combination'),
      origins: intArg(args, 'origins', { min: 1, max: 20 }),
      seasonalOrigins: intArg(args, 'seasonal-origins', { min: 1, max: 20 }),
      workers: intArg(args, 'workers', { min: 1, max: 64 }),
      neural: args.values['statistical-only'] !== true,
      neuralMembers: intArg(args, 'networks', { min: 1, max: 20 }),
      neuralEpochs: intArg(args, 'epochs', { min: 1, max: 1000 }),
    };
    const validation = intArg(args, 'validation', { min: 0, max: 10 });
    let found = 0;
    for (const frequency of frequencies as CompetitionFrequency[]) {
      const result = await runCompetitionBenchmark(dir, frequency, params, { ets: args.values['skip-ets'] !== true, validation });
      if (!result) {
        ctx.log.warn('no files for this frequency', { frequency, dir });
        continue;
      }
      found++;
      ctx.out(JSON.stringify(result) + '\n');
    }
    if (found === 0) throw new UsageError(`--dir ${dir} holds none of ${frequencies.map((f) => `${f}_in.csv`).join(', ')}`, 'dir');
  },
};
