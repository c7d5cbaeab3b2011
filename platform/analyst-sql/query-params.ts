import { AnalystSqlError } from './analyst-errors.ts';

/**
 * Named, typed query parameters: the query declares `{name:Type}`, the caller passes `params.name`, and ClickHouse
 * binds the value as that type (never spliced into the SQL text). Checked here first, so that the caller hears
 * which parameter is wrong: a missing or unused one, a value of the wrong kind, an integer out of its type's range
 * (ClickHouse would wrap 300 into a UInt8 as 44).
 */
export type ParamValue = string | number | boolean | null | ParamValue[];

const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  UInt8: [0n, 255n],
  UInt16: [0n, 65_535n],
  UInt32: [0n, 4_294_967_295n],
  UInt64: [0n, 18_446_744_073_709_551_615n],
  Int8: [-128n, 127n],
  Int16: [-32_768n, 32_767n],
  Int32: [-2_147_483_648n, 2_147_483_647n],
  Int64: [-9_223_372_036_854_775_808n, 9_223_372_036_854_775_807n],
};

/** What each date type holds: ClickHouse binds a date outside it, or one not in the calendar, as another day. */
const DATE_RANGES: Record<string, [string, string]> = { Date: ['1970-01-01', '2149-06-06'], Date32: ['1900-01-01', '2299-12-31'] };

function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return day.toISOString().slice(0, 10) === text;
}

const unsafeWhole = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
const holdsUnsafeWhole = (value: unknown): boolean => (Array.isArray(value) ? value.some(holdsUnsafeWhole) : unsafeWhole(value));

/** An array of numbers (at any depth) as ClickHouse's text of it, or undefined when it holds anything else. */
function numbersText(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value);
  if (!Array.isArray(value)) return undefined;
  const items = value.map(numbersText);
  return items.every((item) => item !== undefined) ? `[${items.join(',')}]` : undefined;
}

/**
 * A value as the client can send it. A whole number past ±2^53 (1e16 for a Float64) is exact in its double, but the
 * client refuses to write one: it goes as its decimal text, which ClickHouse parses to the same value (an array of
 * numbers holding one, as the array's text). Undefined: an array that mixes such a number with other values.
 */
function transportable(value: ParamValue): ParamValue | undefined {
  if (!holdsUnsafeWhole(value)) return value;
  return Array.isArray(value) ? numbersText(value) : String(value);
}

function unwrap(type: string, wrapper: string): string | undefined {
  const m = new RegExp(`^${wrapper}\\((.*)\\)$`).exec(type.trim());
  return m ? m[1].trim() : undefined;
}

function problem(type: string, value: ParamValue): string | undefined {
  const nullable = unwrap(type, 'Nullable');
  if (nullable !== undefined) return value === null ? undefined : problem(nullable, value);
  const lowCardinality = unwrap(type, 'LowCardinality');
  if (lowCardinality !== undefined) return problem(lowCardinality, value);
  if (value === null) return `is null, but ${type} is not Nullable`;
  const element = unwrap(type, 'Array');
  if (element !== undefined) {
    if (!Array.isArray(value)) return `must be an array (${type})`;
    for (const item of value) {
      const wrong = problem(element, item);
      if (wrong) return `has an element that ${wrong}`;
    }
    return undefined;
  }
  if (Array.isArray(value)) return `is an array, but the query declares ${type}`;
  const range = INTEGER_RANGES[type];
  if (range) {
    if (unsafeWhole(value)) {
      return `is a whole number beyond ±2^53 (${type}), where a JSON number has already lost digits: pass it as a string`;
    }
    const text = typeof value === 'number' ? (Number.isInteger(value) ? value.toFixed(0) : '') : typeof value === 'string' ? value.trim() : '';
    if (!/^-?\d+$/.test(text)) return `must be a whole number (${type}), got ${JSON.stringify(value)}`;
    const n = BigInt(text);
    if (n < range[0] || n > range[1]) return `is out of range for ${type} (${range[0]} to ${range[1]}), got ${text}`;
    return undefined;
  }
  if (/^(Float32|Float64|Decimal)/.test(type)) {
    if (typeof value === 'number' ? !Number.isFinite(value) : typeof value !== 'string' || !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) {
      return `must be a number (${type}), got ${JSON.stringify(value)}`;
    }
    return undefined;
  }
  const dates = DATE_RANGES[type];
  if (dates) {
    const [first, last] = dates;
    return typeof value === 'string' && isCalendarDate(value) && value >= first && value <= last ? undefined : `must be a date YYYY-MM-DD from ${first} to ${last} (${type}), got ${JSON.stringify(value)}`;
  }
  if (type === 'Bool') return typeof value === 'boolean' || value === 0 || value === 1 || value === 'true' || value === 'false' ? undefined : `must be true or false, got ${JSON.stringify(value)}`;
  // An identifier is printed as it is by EXPLAIN AST, one node per line: no line breaks (see controlCharacterIdentifier).
  if (type === 'Identifier') {
    return typeof value === 'string' && !/[\x00-\x1f\x7f]/.test(value) ? undefined : `must be a name without line breaks or other control characters (Identifier), got ${JSON.stringify(value)}`;
  }
  if (type === 'String' || type.startsWith('FixedString') || type.startsWith('Enum')) {
    return typeof value === 'string' ? undefined : `must be a string (${type}), got ${JSON.stringify(value)}`;
  }
  // Other types (DateTime, UUID, IPv4, Map…): ClickHouse checks the value when it binds it.
  return typeof value === 'object' ? `must be written as a string or number for ${type}` : undefined;
}

/** The parameters to bind, after checking them against the declared types; throws naming `params.<name>`. */
export function checkParams(declared: ReadonlyMap<string, string>, given: Record<string, unknown> = {}): Record<string, ParamValue> {
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const names = [...declared.keys()];
      throw new AnalystSqlError('invalid_input', `query parameter ${name} is not used by the query${names.length ? ` (it declares ${names.join(', ')})` : ' (it declares none: write {name:Type} where the value goes)'}`, `params.${name}`);
    }
  }
  const bound: Record<string, ParamValue> = {};
  for (const [name, type] of declared) {
    // Own properties only: `constructor` or `toString` would otherwise be found on every object.
    if (!Object.hasOwn(given, name) || given[name] === undefined) {
      throw new AnalystSqlError('invalid_input', `query parameter ${name} (${type}) has no value: pass it in params`, `params.${name}`);
    }
    const value = given[name] as ParamValue;
    const wrong = problem(type, value);
    if (wrong) throw new AnalystSqlError('invalid_input', `query parameter ${name} ${wrong}`, `params.${name}`);
    const sent = transportable(value);
    if (sent === undefined) throw new AnalystSqlError('invalid_input', `query parameter ${name} mixes a number beyond ±2^53 with other values: pass the whole array as its text, e.g. "[1e16, 2]"`, `params.${name}`);
    bound[name] = sent;
  }
  return bound;
}
