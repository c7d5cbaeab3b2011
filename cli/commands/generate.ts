import { UsageError } from '../../platform/errors.ts';
import { openPostgres } from '../../platform/postgres.ts';
import { intArg, stringArg, type Command } from '../command.ts';
import { generateWorld, LIMITS } from '../../domain/generator/generate-world.ts';
import { defaultTruthFile, writeGroundTruth } from '../../domain/generator/ground-truth.ts';
import { parseDay } from '../../domain/generator/time.ts';

/**
 * `spirit-ml generate`: a seeded Spirit Tours world in the booking system's PostgreSQL (migrated first), and its
 * ground truth as JSON. Refuses a database that already holds data: generation is for empty databases.
 */
export const command: Command = {
  name: 'generate',
  summary: 'Generate a seeded Spirit Tours world (customers, quotations, bookings…) into an empty PostgreSQL',
  options: {
    customers: { type: 'string', description: `Number of customers, ${LIMITS.customers[0]}..${LIMITS.customers[1].toLocaleString('en-US')}`, default: '3000' },
    years: { type: 'string', description: `Years of sales history before the end date, ${LIMITS.years[0]}..${LIMITS.years[1]}`, default: '3' },
    seed: { type: 'string', description: 'Random seed (same seed and end date, same data)', default: '1' },
    'end-date': { type: 'string', description: 'Last day of history + 1, YYYY-MM-DD (default: today, UTC); departures run ~9 months beyond' },
    truth: { type: 'string', description: 'Ground-truth JSON file (default: <data dir>/ground-truth/world-seed-<seed>.json)' },
  },
  details: [
    'About 10 bookings per customer over 5 years (2 a year); 100,000 customers x 5 years ≈ 1M bookings.',
    'Prints JSON: { counts: { table: rows }, seconds, truthFile }. Exit 2 on bad arguments or a database that is not empty.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    const customers = intArg(args, 'customers', { min: LIMITS.customers[0], max: LIMITS.customers[1] });
    const years = intArg(args, 'years', { min: LIMITS.years[0], max: LIMITS.years[1] });
    const seed = intArg(args, 'seed', { min: LIMITS.seed[0], max: LIMITS.seed[1] });
    const endDate = args.values['end-date'] === undefined ? undefined : stringArg(args, 'end-date');
    if (endDate !== undefined && (parseDay(endDate) === undefined || endDate < '2000-01-01' || endDate > '2100-12-31')) {
      throw new UsageError(`--end-date must be a date YYYY-MM-DD between 2000-01-01 and 2100-12-31, got "${endDate}"`, 'end-date');
    }
    const truthFile = args.values.truth === undefined ? defaultTruthFile(config.dataDir, seed) : stringArg(args, 'truth');
    const postgres = await openPostgres(config, log);
    try {
      const world = await generateWorld(postgres.pool, { customers, years, seed, endDate, log });
      writeGroundTruth(world.truth, truthFile);
      out(JSON.stringify({ counts: world.counts, seconds: Number(world.seconds.toFixed(2)), truthFile, stats: world.truth.stats }, null, 2) + '\n');
    } finally {
      await postgres.close();
    }
  },
};
