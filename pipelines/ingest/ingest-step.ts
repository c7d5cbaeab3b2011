import type { Step } from '../step.ts';
import { INGEST_TABLES } from './ingest-tables.ts';
import { ingest } from './ingest.ts';

/** The first step of every pipeline: the booking system's changes since the last run, into ClickHouse. */
export const ingestStep: Step = {
  name: 'ingest',
  description: 'Incremental copy of the booking system (PostgreSQL) into ClickHouse, in commit order, resuming at each table’s watermark',
  reads: INGEST_TABLES.map((t) => `pg:${t.name}`),
  writes: [...INGEST_TABLES.map((t) => `ch:${t.name}`), 'ch:ingest_positions'],
  after: [],
  async run(ctx) {
    const report = await ingest(ctx.pg, ctx.clickhouse, {
      log: ctx.log,
      runId: ctx.runId,
      full: ctx.params.fullIngest === true,
    });
    return { outputs: { rows: report.rows, rowsPerSecond: report.rowsPerSecond, horizon: report.horizon } };
  },
};
