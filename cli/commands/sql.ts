import fs from 'node:fs';
import type { Command } from '../command.ts';
import { choiceArg } from '../command.ts';
import { UsageError } from '../../platform/errors.ts';
import { openStores } from '../stores.ts';
import { renderTable } from '../render-table.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

export const command: Command = {
  name: 'sql',
  summary: 'Run a read-only query on the ClickHouse warehouse and print the result',
  positionals: [{ name: 'QUERY', description: 'One SELECT (or SHOW/DESCRIBE) statement', optional: true }],
  options: {
    file: { type: 'string', description: 'Read the query from this file instead (one statement; -- comments allowed)' },
    format: { type: 'string', description: `Output: ${FORMATS.join(', ')}`, default: 'table' },
  },
  details: [
    'Queries run with readonly=2: nothing can be written or dropped.',
    'Tables are ReplacingMergeTree copies of the booking system; use FINAL or the *_latest views to see each row once:',
    '  spirit-ml sql "SELECT status, count() FROM bookings FINAL GROUP BY status"',
    'The embedded ClickHouse belongs to one process at a time: stop `npm start` first, or set CLICKHOUSE_URL.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    const format = choiceArg(args, 'format', FORMATS);
    const file = args.values.file as string | undefined;
    if (file && args.positionals[0]) throw new UsageError('give either QUERY or --file, not both', 'file');
    let query = args.positionals[0];
    if (file) {
      if (!fs.existsSync(file)) throw new UsageError(`--file ${file} does not exist`, 'file');
      query = fs.readFileSync(file, 'utf8');
    }
    query = query?.trim().replace(/;\s*$/, '');
    if (!query) throw new UsageError('missing QUERY (or --file)', 'QUERY');
    const stores = await openStores(config, log, { clickhouse: true });
    try {
      const settings = { readonly: '2' } as Record<string, string>;
      if (format === 'csv') {
        const result = await stores.clickhouse.query({ query, format: 'CSVWithNames', clickhouse_settings: settings });
        out(await result.text());
        return;
      }
      const result = await stores.clickhouse.query({ query, format: 'JSONCompact', clickhouse_settings: settings });
      const body = await result.json<unknown[]>();
      const { meta, data } = body as unknown as { meta: Array<{ name: string; type: string }>; data: unknown[][] };
      if (format === 'json') {
        for (const row of data) out(JSON.stringify(Object.fromEntries(meta.map((m, i) => [m.name, row[i]]))) + '\n');
        return;
      }
      out(renderTable(meta, data));
      out(`(${data.length} row${data.length === 1 ? '' : 's'})\n`);
    } catch (err) {
      const message = (err as Error).message;
      if (/readonly mode/i.test(message)) throw new UsageError('spirit-ml sql is read-only: the statement would change data', 'QUERY');
      if (/Syntax error|Unknown (expression )?(table|identifier|column|function)|doesn't exist|UNKNOWN_/i.test(message)) {
        throw new UsageError(message.split('\n')[0], 'QUERY');
      }
      throw err;
    } finally {
      await stores.close();
    }
  },
};
