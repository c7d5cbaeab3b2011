import type { Step } from '../step.ts';
import { fullIngestParam } from '../steps/support/step-params.ts';
import { INGEST_TABLES } from './ingest-tables.ts';
import { ingest } from './ingest.ts';

/** The first step of every pipeline: the booking system's changes since the last run, into ClickHouse. */
export const ingestStep: Step = {
  name: 'ingest',
  description: 'Incremental copy of the booking system (PostgreSQL) into ClickHouse, in commit order, resuming at each table’s watermark',
  // Not pg:audit_log: steps after this one append to it (evaluate records promotions), so declaring it would make
  // the ingest wait for its own followers and go stale after every run. The log only grows; each run copies what
  // is there, and the next one the rest.
  reads: INGEST_TABLES.filter((t) => t.name !== 'audit_log').map((t) => `pg:${t.name}`),
  writes: [...INGEST_TABLES.map((t) => `ch:${t.name}`), 'ch:ingest_positions'],
  after: [],
  async run(ctx) {
    const report = await ingest(ctx.pg, ctx.clickhouse, {
      log: ctx.log,
      runId: ctx.runId,
      full: fullIngestParam(ctx),
    });
    return { outputs: { rows: report.rows, rowsPerSecond: report.rowsPerSecond, horizon: report.horizon, path: report.path } };
  },
};
