import fs from 'node:fs';
import type { Command, ParsedArgs } from '../command.ts';
import { choiceArg, existingFile, intArg } from '../command.ts';
import { InputError, UsageError } from '../../platform/errors.ts';
import { renderTable } from '../render-table.ts';
import { openAnalystSource } from '../analyst-source.ts';
import { CLI_LIMITS, LIMIT_CEILINGS, type AnalystLimits } from '../../platform/analyst-sql/index.ts';

const FORMATS = ['table', 'json', 'csv'] as const;

/** `--param name=value`, repeated: values go to ClickHouse as the query declares them ({name:Type}). */
export function paramArgs(args: ParsedArgs): Record<string, string> {
  const params: Record<string, string> = {};
  for (const raw of (args.values.param as string[] | undefined) ?? []) {
    const eq = raw.indexOf('=');
    const name = eq < 0 ? raw : raw.slice(0, eq);
    if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--param must be NAME=VALUE with NAME a query parameter, got "${raw}"`, 'param');
    params[name] = raw.slice(eq + 1);
  }
  return params;
}

/**
 * The analyst guard speaks to API callers, who pass values in `params`; here a value is given as `--param`, so a
 * missing one is asked for that way (the API answers the same message while `npm start` holds the warehouse).
 */
export function asParamOptionError(err: unknown): unknown {
  if (!(err instanceof InputError) || !err.field?.startsWith('params.')) return err;
  const name = err.field.slice('params.'.length);
  return new UsageError(err.message.replace(/: pass it in params$/, `: give it as --param ${name}=VALUE`), 'param');
}

/** `--max-rows`, `--timeout`: within the ceilings every analyst query has. */
export function limitArgs(args: ParsedArgs): Partial<AnalystLimits> {
  const limits: Partial<AnalystLimits> = {};
  if (args.values['max-rows'] !== undefined) limits.rows = intArg(args, 'max-rows', { min: 1, max: LIMIT_CEILINGS.rows });
  if (args.values.timeout !== undefined) limits.seconds = intArg(args, 'timeout', { min: 1, max: LIMIT_CEILINGS.seconds });
  return limits;
}

export const command: Command = {
  name: 'sql',
  summary: 'Run a read-only analyst query on the ClickHouse warehouse and print the result',
  positionals: [{ name: 'QUERY', description: 'One SELECT (or DESCRIBE, SHOW TABLES) statement', optional: true }],
  options: {
    file: { type: 'string', description: 'Read the query from this file instead (one statement; -- comments allowed)' },
    format: { type: 'string', description: `Output: ${FORMATS.join(', ')}`, default: 'table' },
    param: { type: 'string', multiple: true, description: 'A query parameter NAME=VALUE for {NAME:Type} in the query (repeatable)' },
    'max-rows': { type: 'string', description: `Most rows the result may have; more is an error (default ${CLI_LIMITS.rows}, at most ${LIMIT_CEILINGS.rows})` },
    timeout: { type: 'string', description: `Seconds the query may run (default ${CLI_LIMITS.seconds}, at most ${LIMIT_CEILINGS.seconds})` },
  },
  details: [
    'Analyst queries are SELECTs over the warehouse database only, checked by the analyst guard (platform/analyst-sql):',
    'no table functions (file, url, postgresql, s3, remote…), no other databases (system…), no file or dictionary',
    'functions, no INTO OUTFILE or FORMAT, SETTINGS from a short allowlist; they run read-only (readonly=1) with a time,',
    'row, result-size and memory limit. A refused query exits 2 with the reason.',
    'Tables are ReplacingMergeTree copies of the booking system; use FINAL or the *_latest views to see each row once:',
    '  spirit-ml sql "SELECT status, count() FROM bookings FINAL GROUP BY status"',
    '  spirit-ml sql "SELECT * FROM bookings_latest WHERE departure_date >= {from:Date}" --param from=2025-01-01',
    'With CLICKHOUSE_URL, the query runs as CLICKHOUSE_ANALYST_USER when it is set. The embedded ClickHouse belongs to',
    'one process at a time: while `npm start` runs, the query goes to its API (POST /v1/analytics/query) with',
    'SPIRIT_API_KEY (or the analyst key npm start keeps in the data directory), at SPIRIT_API_URL or HOST:PORT.',
  ].join('\n'),
  async run(args, { config, log, out }) {
    const format = choiceArg(args, 'format', FORMATS);
    const file = args.values.file as string | undefined;
    if (file && args.positionals[0]) throw new UsageError('give either QUERY or --file, not both', 'file');
    let query = args.positionals[0];
    if (file) {
      query = fs.readFileSync(existingFile(file, '--file', 'file', 'give the file that holds the query'), 'utf8');
    }
    if (!query?.trim()) throw new UsageError('missing QUERY (or --file)', 'QUERY');
    const params = paramArgs(args);
    const limits = limitArgs(args);
    const opened = await openAnalystSource(config, log, (line) => process.stderr.write(`spirit-ml sql: ${line}\n`));
    const source: typeof opened = {
      ...opened,
      run: (q) => opened.run(q).catch((err: unknown) => Promise.reject(asParamOptionError(err))),
    };
    try {
      if (format === 'csv') {
        const result = await source.run({ sql: query, params, format: 'csv', limits });
        if (result.format === 'json') throw new Error('csv asked, json answered');
        out(result.body.toString('utf8'));
        return;
      }
      const result = await source.run({ sql: query, params, format: 'json', limits });
      if (result.format !== 'json') throw new Error('json asked, another format answered');
      if (format === 'json') {
        for (const row of result.rows) out(JSON.stringify(Object.fromEntries(result.columns.map((c, i) => [c.name, row[i]]))) + '\n');
        return;
      }
      out(renderTable(result.columns, result.rows));
      out(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`);
    } finally {
      await source.close();
    }
  },
};
