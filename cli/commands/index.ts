import type { Command } from '../command.ts';

/**
 * Every subcommand of `spirit-ml`, loaded lazily so that `spirit-ml sql` does not pay for TensorFlow.js.
 * A module exports `command: Command`. Add a line here to add a subcommand.
 */
export const COMMANDS: Array<{ name: string; summary: string; load: () => Promise<{ command: Command }> }> = [
  { name: 'migrate', summary: 'Bring the PostgreSQL and ClickHouse schemas up to date', load: () => import('./migrate.ts') },
  { name: 'ingest', summary: 'Copy what changed in the booking system (PostgreSQL) into ClickHouse', load: () => import('./ingest.ts') },
  { name: 'import bookings', summary: 'Load bookings from a CSV file (with a column mapping); bad rows go to import_rejects', load: () => import('./import-bookings.ts') },
  { name: 'sql', summary: 'Run a read-only query on the ClickHouse warehouse and print the result', load: () => import('./sql.ts') },
  { name: 'learn', summary: 'Train a tree learner on a numeric CSV and score it on a test CSV', load: () => import('./learn.ts') },
  { name: 'forecast-benchmark', summary: 'Score the demand forecaster on the tourism forecasting competition files', load: () => import('./forecast-benchmark.ts') },
  { name: 'recommend-benchmark', summary: 'Compare popularity, SVD and ALS recommenders on a train CSV and a later test CSV', load: () => import('./recommend-benchmark.ts') },
  { name: 'models list', summary: 'List registered model versions with aliases and metrics', load: () => import('./models.ts').then((m) => ({ command: m.listCommand })) },
  { name: 'models show', summary: 'Show one model version by id or alias', load: () => import('./models.ts').then((m) => ({ command: m.showCommand })) },
  { name: 'models promote', summary: 'Make a model version the champion of its family', load: () => import('./models.ts').then((m) => ({ command: m.promoteCommand })) },
  { name: 'models rollback', summary: 'Restore the previous champion of a family', load: () => import('./models.ts').then((m) => ({ command: m.rollbackCommand })) },
  { name: 'models decisions', summary: 'Print the promotion decisions log of a family', load: () => import('./models.ts').then((m) => ({ command: m.decisionsCommand })) },
];
