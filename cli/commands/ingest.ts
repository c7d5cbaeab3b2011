import type { Command } from '../command.ts';
import { choiceArg, intArg } from '../command.ts';
import { openStores } from '../stores.ts';
import { UsageError } from '../../platform/errors.ts';
import { refreshMarts } from '../../pipelines/warehouse/marts.ts';
import { DEFAULT_BATCH_ROWS, ingest, IngestIncomplete } from '../../pipelines/ingest/ingest.ts';
import { INGEST_TABLES } from '../../pipelines/ingest/ingest-tables.ts';

export const command: Command = {
  name: 'ingest',
  summary: 'Copy what changed in the booking system (PostgreSQL) into ClickHouse',
  options: {
    table: { type: 'string', multiple: true, description: `Only this table (repeatable): ${INGEST_TABLES.map((t) => t.name).join(', ')}` },
    full: { type: 'boolean', description: 'Ignore the watermarks and copy everything again (same result, slower); after the booking system moved to another PostgreSQL cluster, empties the copies it filled, and the marts they feed, and loads them again' },
    'batch-rows': { type: 'string', description: 'Rows per ClickHouse insert on the copy path', default: String(DEFAULT_BATCH_ROWS) },
    concurrency: { type: 'string', description: 'Tables copied at the same time (default: 2 when ClickHouse pulls, 1 on the copy path)' },
    'keep-tombstones-days': { type: 'string', description: 'Days a copied delete stays in ingest_deletions for another warehouse', default: '7' },
    path: {
      type: 'string',
      description: 'Who reads PostgreSQL: pull (ClickHouse, with postgresql()), copy (COPY through this process), auto (pull when ClickHouse can reach PostgreSQL)',
      default: 'auto',
    },
  },
  details:
    'Prints a JSON report (path, rows, seconds, rows/s per table). Safe to repeat or to kill: the next run resumes. ' +
    'A table that cannot be copied (a value ClickHouse cannot store) is named in `failed`, with the row to correct; the other tables are copied and the command exits 1.',
  async run(args, { config, log, out }) {
    const tables = (args.values.table as string[] | undefined) ?? [];
    // Checked before any store is opened: a mistyped name is a usage error naming --table, even while npm start
    // holds the embedded ClickHouse (which would otherwise be the only thing said).
    const known = INGEST_TABLES.map((t) => t.name);
    for (const name of tables) {
      if (!known.includes(name)) throw new UsageError(`--table: unknown table "${name}"; known: ${known.join(', ')}`, 'table');
    }
    const options = {
      tables,
      full: args.values.full === true,
      batchRows: intArg(args, 'batch-rows', { min: 1, max: 10_000_000 }),
      concurrency: args.values.concurrency === undefined ? undefined : intArg(args, 'concurrency', { min: 1, max: 16 }),
      path: choiceArg(args, 'path', ['auto', 'pull', 'copy'] as const, 'auto'),
      keepTombstonesDays: intArg(args, 'keep-tombstones-days', { min: 0, max: 3650 }),
    };
    const stores = await openStores(config, log);
    try {
      // A table that could not be copied fails the command, after the report and the marts of what was copied.
      const outcome = await ingest(stores.pg, stores.clickhouse, { log, ...options }).then(
        (report) => ({ report, error: undefined }),
        (err: unknown) => {
          if (err instanceof IngestIncomplete) return { report: err.report, error: err };
          throw err;
        },
      );
      await refreshMarts(stores.clickhouse);
      out(JSON.stringify(outcome.report, null, 2) + '\n');
      if (outcome.error) throw outcome.error;
    } finally {
      await stores.close();
    }
  },
};
