import { allowedValue } from './allowed-settings.ts';
import { AnalystSqlError, analystQueryError } from './analyst-errors.ts';
import type { AnalystConnection, AnalystWarehouse } from './analyst-connection.ts';
import { controlCharacterIdentifier, parameterTypes, settingsClauses } from './canonical-query.ts';
import { checkLimits, limitSettings, type AnalystLimits } from './limits.ts';
import { checkParams } from './query-params.ts';
import { inspectQuery, settingsRefusals, type Refusal } from './rules.ts';

export const ANALYST_FORMATS = ['json', 'csv', 'parquet', 'arrow'] as const;
export type AnalystFormat = (typeof ANALYST_FORMATS)[number];

const CLICKHOUSE_FORMAT: Record<AnalystFormat, string> = { json: 'JSONCompact', csv: 'CSVWithNames', parquet: 'Parquet', arrow: 'ArrowStream' };

export const CONTENT_TYPES: Record<AnalystFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.stream',
};

/** How the answer is printed: 64-bit integers as JSON numbers, for charts and people. */
const OUTPUT_SETTINGS = { output_format_json_quote_64bit_integers: 0 };

/** Longest analyst query text: a notebook cell, not a data file. */
export const MAX_SQL_LENGTH = 100_000;

export interface AnalystQuery {
  sql: string;
  /** Values of the query's `{name:Type}` parameters. */
  params?: Record<string, unknown>;
  format: AnalystFormat;
  limits: AnalystLimits;
}

export interface AnalystColumn {
  name: string;
  type: string;
}

export type AnalystResult =
  | { format: 'json'; columns: AnalystColumn[]; rows: unknown[][]; elapsedMs: number }
  | { format: 'csv' | 'parquet' | 'arrow'; body: Buffer; elapsedMs: number };

/**
 * Checks one analyst query and runs it: the single way the CLI (`spirit-ml sql`, notebooks) and the API
 * (`POST /v1/analytics/query`) run analysts' SQL. In order:
 * 1. ClickHouse's formatQuery gives the canonical text: exactly one statement (else refused), comments gone.
 * 2. The declared `{name:Type}` parameters are checked against the values given.
 * 3. EXPLAIN AST of the canonical text, parameters substituted, is inspected by the rules (rules.ts): tables of
 *    the warehouse only, no table functions, no file/dictionary functions, no output redirection, SETTINGS from
 *    the allowlist only.
 * 4. The canonical text runs read-only (readonly=1) under the time, row, result-size and memory limits; what the
 *    guard checked is exactly what runs.
 * Refusals and query errors are AnalystSqlError (code, field, message); a warehouse that does not answer is
 * store_unavailable.
 */
function refuse(refusals: Refusal[]): void {
  if (refusals.length > 0) throw new AnalystSqlError('sql_refused', [...new Set(refusals.map((r) => r.message))].join('; '));
}

export async function runAnalystQuery(warehouse: AnalystWarehouse, query: AnalystQuery): Promise<AnalystResult> {
  const limits = checkLimits(query.limits);
  const sql = query.sql.trim();
  if (sql === '') throw new AnalystSqlError('invalid_input', 'sql is empty: write one SELECT');
  if (sql.length > MAX_SQL_LENGTH) throw new AnalystSqlError('invalid_input', `sql is longer than ${MAX_SQL_LENGTH} characters`);
  if (sql.includes('\0')) throw new AnalystSqlError('invalid_input', 'sql contains a NUL character');
  const started = performance.now();
  let connection: AnalystConnection | undefined;
  try {
    connection = await warehouse.open();
    const canonical = await connection.canonical(sql);
    const unreadable = controlCharacterIdentifier(canonical);
    if (unreadable !== undefined) {
      throw new AnalystSqlError('sql_refused', `the name or alias ${JSON.stringify(unreadable.slice(0, 60))} holds a line break or another control character: write names and aliases without them`);
    }
    const params = checkParams(parameterTypes(canonical), query.params);
    const settings = settingsClauses(canonical);
    refuse(settingsRefusals(settings));
    const tree = await connection.explain(canonical, params);
    refuse(inspectQuery(tree, { database: connection.database, engines: await connection.engines() }, canonical, settings));

    const chosen: Record<string, string | number> = {};
    for (const change of (settings ?? []).flat()) {
      const value = allowedValue(change.name, change.value)!;
      chosen[change.name] = /^'.*'$/.test(value) ? value.slice(1, -1) : Number(value);
    }
    // A little past the server-side limit, so that ClickHouse's own timeout is the one the caller hears about.
    const signal = AbortSignal.timeout((limits.seconds + 5) * 1000);
    const body = await connection.run(canonical, params, CLICKHOUSE_FORMAT[query.format], { ...chosen, ...OUTPUT_SETTINGS, ...limitSettings(limits) }, signal);
    const elapsedMs = Math.round(performance.now() - started);
    if (query.format !== 'json') return { format: query.format, body, elapsedMs };
    const parsed = JSON.parse(body.toString('utf8')) as { meta: AnalystColumn[]; data: unknown[][] };
    return { format: 'json', columns: parsed.meta.map((m) => ({ name: m.name, type: m.type })), rows: parsed.data, elapsedMs };
  } catch (err) {
    throw analystQueryError(err, limits);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
