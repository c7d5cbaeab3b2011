import { InputError, SpiritError } from '../errors.ts';

/**
 * Why an analyst query did not run. All are the caller's to fix (HTTP 400, CLI exit 2) and name the field at fault:
 * - `sql_refused`: the guard (or ClickHouse's readonly mode) refused it;
 * - `sql_invalid`: ClickHouse could not parse or plan it (syntax, unknown table or column, types);
 * - `sql_limit`: it ran past a limit (time, rows, result size, memory);
 * - `invalid_input` on `params.<name>`: a query parameter is missing, unused or of the wrong type.
 */
export class AnalystSqlError extends InputError {
  constructor(code: 'sql_refused' | 'sql_invalid' | 'sql_limit' | 'invalid_input', message: string, field = 'sql') {
    super(message, field, code);
  }
}

/** A ClickHouse server or chDB exception (it carries ClickHouse's numeric code and type). */
function isClickHouseException(err: unknown): err is Error & { code: string; type?: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && /^\d+$/.test((err as unknown as { code: string }).code);
}

/** ClickHouse's first sentence, without the echo of the whole query chDB appends. */
function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s*:?\s*In scope [\s\S]*$/, '').trim();
}

/**
 * What a failed analyst query means for the caller. ClickHouse's exceptions are about the query (400); anything
 * else (the server unreachable, a closed connection) is the warehouse's (503, store_unavailable).
 */
export function analystQueryError(err: unknown, limits: { seconds: number; rows: number }): SpiritError {
  if (err instanceof SpiritError) return err;
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError' || /^Query aborted/.test(err.message))) {
    return new AnalystSqlError('sql_limit', `the query ran longer than ${limits.seconds} s (the time limit): filter earlier, read a mart, or aggregate in a smaller window`, 'timeoutSeconds');
  }
  if (!isClickHouseException(err)) {
    return new SpiritError('store_unavailable', `the warehouse did not answer: ${(err as Error).message}; try again shortly`);
  }
  const message = err.message;
  let m: RegExpExecArray | null;
  if (/Limit for result exceeded, max rows/i.test(message)) {
    return new AnalystSqlError('sql_limit', `the result has more than ${limits.rows} rows (the row limit): aggregate further, add a LIMIT, or ask for more rows within the ceiling`, 'maxRows');
  }
  if (/Limit for result exceeded, max bytes/i.test(message)) {
    return new AnalystSqlError('sql_limit', 'the result is larger than the result-size limit: select fewer columns or rows', 'maxResultBytes');
  }
  if (/Timeout exceeded|TIMEOUT_EXCEEDED/i.test(message)) {
    return new AnalystSqlError('sql_limit', `the query ran longer than ${limits.seconds} s (the time limit): filter earlier, read a mart, or aggregate in a smaller window`, 'timeoutSeconds');
  }
  if (/Memory limit .*exceeded|MEMORY_LIMIT_EXCEEDED/i.test(message)) {
    return new AnalystSqlError('sql_limit', 'the query needed more memory than an analyst query may use: filter earlier or aggregate in steps');
  }
  if ((m = /Cannot modify '(\w+)' setting in readonly mode/i.exec(message))) {
    return new AnalystSqlError('sql_refused', `setting ${m[1]} may not be changed by analyst queries`);
  }
  if (/readonly mode|READONLY|Not enough privileges|ACCESS_DENIED/i.test(message)) {
    return new AnalystSqlError('sql_refused', `refused by ClickHouse: ${firstLine(message)}`);
  }
  if ((m = /Substitution `(\w+)` is not set/.exec(message))) {
    return new AnalystSqlError('invalid_input', `query parameter ${m[1]} has no value: pass it in params`, `params.${m[1]}`);
  }
  if ((m = /for query parameter '(\w+)'/.exec(message))) {
    return new AnalystSqlError('invalid_input', `query parameter ${m[1]}: ${firstLine(message)}`, `params.${m[1]}`);
  }
  if (/Multi-statements are not allowed/i.test(message)) {
    return new AnalystSqlError('sql_refused', 'one statement at a time: the query holds more than one (a ; followed by another statement)');
  }
  return new AnalystSqlError('sql_invalid', firstLine(message));
}
