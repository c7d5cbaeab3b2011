import type { Command } from '../command.ts';

/**
 * Every subcommand of `spirit-ml`, loaded lazily so that `spirit-ml sql` does not pay for TensorFlow.js.
 * A module exports `command: Command`. Add a line here to add a subcommand.
 */
export const COMMANDS: Array<{ name: string; summary: string; load: () => Promise<{ command: Command }> }> = [
  { name: 'generate', summary: 'Generate a seeded Spirit Tours world into an empty PostgreSQL (and its ground truth)', load: () => import('./generate.ts') },
  { name: 'start', summary: 'Run everything on this machine: databases, sample data, pipeline, models and the API', load: () => import('./start.ts') },
  { name: 'migrate', summary: 'Bring the PostgreSQL and ClickHouse schemas up to date', load: () => import('./migrate.ts') },
  { name: 'ingest', summary: 'Copy what changed in the booking system (PostgreSQL) into ClickHouse', load: () => import('./ingest.ts') },
  { name: 'import bookings', summary: 'Load bookings from a CSV file (with a column mapping); bad rows go to import_rejects', load: () => import('./import-bookings.ts') },
  { name: 'sql', summary: 'Run a read-only analyst query on the ClickHouse warehouse and print the result', load: () => import('./sql.ts') },
  { name: 'notebook run', summary: 'Run an analyst notebook (Markdown, SQL, Vega-Lite) into one self-contained HTML report', load: () => import('./notebook-run.ts') },
  { name: 'learn', summary: 'Train a tree learner on a numeric CSV and score it on a test CSV', load: () => import('./learn.ts') },
  { name: 'forecast-benchmark', summary: 'Score the demand forecaster on the tourism forecasting competition files', load: () => import('./forecast-benchmark.ts') },
  { name: 'recommend-benchmark', summary: 'Tune every recommender on a validation split of a train CSV, choose on validation, score on a later test CSV', load: () => import('./recommend-benchmark.ts') },
  { name: 'models list', summary: 'List registered model versions with aliases and metrics', load: () => import('./models.ts').then((m) => ({ command: m.listCommand })) },
  { name: 'models show', summary: 'Show one model version by id or alias', load: () => import('./models.ts').then((m) => ({ command: m.showCommand })) },
  { name: 'models promote', summary: 'Make a model version the champion of its family', load: () => import('./models.ts').then((m) => ({ command: m.promoteCommand })) },
  { name: 'models rollback', summary: 'Restore the previous champion of a family', load: () => import('./models.ts').then((m) => ({ command: m.rollbackCommand })) },
  { name: 'models decisions', summary: 'Print the promotion decisions log of a family', load: () => import('./models.ts').then((m) => ({ command: m.decisionsCommand })) },
  { name: 'pipeline graph', summary: 'Print the pipeline: steps, what each runs after, reads and writes', load: () => import('./pipeline.ts').then((m) => ({ command: m.graphCommand })) },
  { name: 'pipeline run', summary: 'Run the pipeline or part of it (--from STEP, --only STEP); on BullMQ when REDIS_URL is set', load: () => import('./pipeline.ts').then((m) => ({ command: m.runCommand })) },
  { name: 'pipeline status', summary: 'Each step: last run, duration, outputs, and whether it is stale', load: () => import('./pipeline.ts').then((m) => ({ command: m.statusCommand })) },
  { name: 'pipeline schedules', summary: 'Show or register (--apply) the pipeline schedules', load: () => import('./pipeline.ts').then((m) => ({ command: m.schedulesCommand })) },
  { name: 'serve', summary: 'Serve the scoring API on HOST:PORT until stopped (the data and models that are there)', load: () => import('./serve.ts') },
  { name: 'keys create', summary: 'Create an API key for the scoring API with a role (shown once)', load: () => import('./keys.ts').then((m) => ({ command: m.createCommand })) },
  { name: 'keys list', summary: 'List the scoring API keys', load: () => import('./keys.ts').then((m) => ({ command: m.listCommand })) },
  { name: 'keys revoke', summary: 'Revoke a scoring API key', load: () => import('./keys.ts').then((m) => ({ command: m.revokeCommand })) },
  { name: 'audit list', summary: 'The audit log: every write by any role, with who, what, before/after and when', load: () => import('./audit.ts').then((m) => ({ command: m.listCommand })) },
  { name: 'guardrails list', summary: 'The guardrail rules price suggestions are held to (per destination and service level)', load: () => import('./guardrails.ts').then((m) => ({ command: m.listCommand })) },
  { name: 'guardrails set', summary: 'Set the guardrail of a destination and/or service level (a new, versioned revision)', load: () => import('./guardrails.ts').then((m) => ({ command: m.setCommand })) },
  { name: 'guardrails remove', summary: 'Remove the guardrail of a scope (the broader rule applies again)', load: () => import('./guardrails.ts').then((m) => ({ command: m.removeCommand })) },
  { name: 'guardrails history', summary: 'Every revision of the guardrails, with who changed what and why', load: () => import('./guardrails.ts').then((m) => ({ command: m.historyCommand })) },
  { name: 'quote create', summary: 'Build a quotation (costing, price, suggestion) through the running scoring API', load: () => import('./quote.ts').then((m) => ({ command: m.createCommand })) },
  { name: 'quote show', summary: 'Print a quotation: costing, price table, members’ shares and price history', load: () => import('./quote.ts').then((m) => ({ command: m.showCommand })) },
  { name: 'quote labels', summary: 'Export pricing managers’ decisions as labelled CSV for the next price training', load: () => import('./quote.ts').then((m) => ({ command: m.labelsCommand })) },
  { name: 'worker', summary: 'Serve pipeline queues, the outbox relay and the events consumer until stopped', load: () => import('./worker.ts') },
  { name: 'jobs failed', summary: 'List pipeline jobs that failed after their retries', load: () => import('./jobs.ts').then((m) => ({ command: m.failedCommand })) },
  { name: 'jobs retry', summary: 'Run a failed step again with the steps it stopped', load: () => import('./jobs.ts').then((m) => ({ command: m.retryCommand })) },
];
