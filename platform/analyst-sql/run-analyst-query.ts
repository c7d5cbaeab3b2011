import { allowedValue } from './allowed-settings.ts';
import { AnalystSqlError, analystQueryError } from './analyst-errors.ts';
import type { AnalystConnection, AnalystWarehouse } from './analyst-connection.ts';
import { controlCharacterIdentifier, parameterTypes, settingsClauses } from './canonical-query.ts';
import { checkLimits, limitSettings, type AnalystLimits } from './limits.ts';
import { checkParams } from './query-params.ts';
import { inspectQuery, settingsRefusals, type Refusal } from './rules.ts';

export const ANALYST_FORMATS = ['json', 'csv', 'parquet', 'arrow'] as const;
export type AnalystFormat = (typeof ANALYST_FORMATS)[number];

const CLICKHOUSE_FORMAT: Record<AnalystFormat, string> = { json: 'JSONCompactEachRowWithNamesAndTypes', csv: 'CSVWithNames', parquet: 'Parquet', arrow: 'ArrowStream' };

export const CONTENT_TYPES: Record<AnalystFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.stream',
};

/**
 * How the answer is printed: 64-bit integers as JSON numbers, for charts and people; and JSON only ever valid
 * UTF-8 (a String holding other bytes gets U+FFFD), since the API sends ClickHouse's JSON text as it is.
 */
export const OUTPUT_SETTINGS = { output_format_json_quote_64bit_integers: 0, output_format_json_validate_utf8: 1 };

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
  | {
      format: 'json';
      columns: AnalystColumn[];
      rows: unknown[][];
      elapsedMs: number;
      /**
       * The rows as one JSON array, in ClickHouse's own text: what the API sends without parsing and serialising
       * them again (`rows` is parsed from it when read). Parsing a large answer on the API's one thread held every
       * other request up: two 79 MB answers at once kept a price suggestion waiting 6 s.
       */
      rowsJson?: Buffer;
      rowCount?: number;
    }
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
    return jsonResult(body, elapsedMs);
  } catch (err) {
    throw analystQueryError(err, limits);
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/**
 * ClickHouse's JSONCompactEachRowWithNamesAndTypes answer (a line of names, a line of types, then a JSON array per
 * row; a line break inside a value is escaped, so every raw one ends a line) as a result whose rows stay bytes until
 * someone reads them. In place, the line end before the first row becomes `[`, those between rows commas and the
 * last one `]`: one pass over the bytes, no parse, no copy.
 */
function jsonResult(body: Buffer, elapsedMs: number): AnalystResult {
  const namesEnd = body.indexOf(10);
  const typesEnd = body.indexOf(10, namesEnd + 1);
  const names = JSON.parse(body.toString('utf8', 0, namesEnd)) as string[];
  const types = JSON.parse(body.toString('utf8', namesEnd + 1, typesEnd)) as string[];
  let rowCount = 0;
  let last = typesEnd;
  for (let at = body.indexOf(10, typesEnd + 1); at !== -1; at = body.indexOf(10, at + 1)) {
    body[at] = 44; // ,
    last = at;
    rowCount++;
  }
  let rowsJson: Buffer;
  if (rowCount === 0) rowsJson = Buffer.from('[]');
  else {
    body[typesEnd] = 91; // [
    body[last] = 93; // ]
    rowsJson = body.subarray(typesEnd, last + 1);
  }
  let rows: unknown[][] | undefined;
  return {
    format: 'json',
    columns: names.map((name, i) => ({ name, type: types[i] })),
    get rows() {
      return (rows ??= JSON.parse(rowsJson.toString('utf8')) as unknown[][]);
    },
    elapsedMs,
    rowsJson,
    rowCount,
  };
}
