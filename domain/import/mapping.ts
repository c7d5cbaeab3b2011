import fs from 'node:fs';
import { InputError } from '../../platform/errors.ts';
import { compileDateFormat, parseUtcOffset } from './date-format.ts';

/**
 * The mapping file of a bookings import: which column of the CSV holds what, and how the file is written.
 * Checked whole before any row is read; every problem names the field path (`fields.status.values.OK`),
 * so a person can fix the file without guessing. See README.md for an example.
 */
export const BOOKING_STATUSES = ['created', 'confirmed', 'cancelled'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

export const BOOKING_FIELDS = [
  'booked_at',
  'departure_date',
  'lead_time_days',
  'total_price',
  'currency',
  'total_cost',
  'party_size',
  'status',
  'status_changed_at',
  'channel',
  'country',
  'destination',
  'customer_ref',
] as const;
export type BookingField = (typeof BOOKING_FIELDS)[number];

/** A column: its header name, or its 1-based position. */
export type ColumnRef = string | number;

export interface FieldSpec {
  column?: ColumnRef;
  /** Used when the column is absent or its cell is empty. */
  default?: string;
  /** Translation of the file's values to ours, applied before checking (e.g. {"OK": "confirmed"}). */
  values?: Record<string, string>;
  /** Date fields: overrides the file's dateFormat. */
  format?: string;
  /** destination: match the value against destinations.code or destinations.name. */
  match?: 'code' | 'name';
  /** destination: create unknown destinations with this country and region instead of rejecting the row. */
  create?: { country: string; region: string } | boolean;
  /** customer_ref: the column with the customer's name, for customers created by the import. */
  nameColumn?: ColumnRef;
}

export interface BookingMapping {
  /** Text encoding of the file, as TextDecoder names it: "utf-8" (default), "windows-1252" (Excel), "utf-16le"… */
  encoding: string;
  delimiter: string;
  decimalSeparator: '.' | ',';
  thousandsSeparator: string | undefined;
  header: boolean;
  dateFormat: string;
  /** Offset of the file's local times from UTC (Peru is "-05:00"); a value with its own offset keeps it. */
  timeZoneOffset: string;
  fields: Partial<Record<BookingField, FieldSpec>>;
}

const TOP_LEVEL = ['encoding', 'delimiter', 'decimalSeparator', 'thousandsSeparator', 'header', 'dateFormat', 'timeZoneOffset', 'fields'];
const SPEC_KEYS: Record<string, BookingField[] | 'all'> = {
  column: 'all',
  default: 'all',
  values: 'all',
  format: ['booked_at', 'departure_date', 'status_changed_at'],
  match: ['destination'],
  create: ['destination', 'customer_ref'],
  nameColumn: ['customer_ref'],
};

function fail(field: string, problem: string): never {
  throw new InputError(`mapping ${field}: ${problem}`, field);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function columnRef(value: unknown, field: string): ColumnRef {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  fail(field, `must be a header name or a column position (1, 2, …), got ${JSON.stringify(value)}`);
}

function oneChar(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length !== 1 || value === '"' || value === '\n' || value === '\r') {
    fail(field, `must be one character other than a quote or a line break, got ${JSON.stringify(value)}`);
  }
  return value;
}

function fieldSpec(name: BookingField, raw: unknown): FieldSpec {
  const path = `fields.${name}`;
  if (typeof raw === 'string' || typeof raw === 'number') return { column: columnRef(raw, path) };
  if (!isObject(raw)) fail(path, 'must be a column name, a column position, or an object with "column"');
  const spec: FieldSpec = {};
  for (const [key, value] of Object.entries(raw)) {
    const allowed = SPEC_KEYS[key];
    if (!allowed) fail(`${path}.${key}`, `unknown setting; expected one of ${Object.keys(SPEC_KEYS).join(', ')}`);
    if (allowed !== 'all' && !allowed.includes(name)) fail(`${path}.${key}`, `only applies to ${allowed.join(', ')}`);
    const at = `${path}.${key}`;
    switch (key) {
      case 'column':
      case 'nameColumn':
        spec[key] = columnRef(value, at);
        break;
      case 'default':
        if (typeof value !== 'string' && typeof value !== 'number') fail(at, `must be a string, got ${JSON.stringify(value)}`);
        spec.default = String(value);
        break;
      case 'values':
        if (!isObject(value)) fail(at, 'must be an object mapping the file\'s values to ours, e.g. {"OK": "confirmed"}');
        for (const [from, to] of Object.entries(value)) {
          if (typeof to !== 'string') fail(`${at}.${from}`, `must be a string, got ${JSON.stringify(to)}`);
          if (name === 'status' && !BOOKING_STATUSES.includes(to as BookingStatus)) {
            fail(`${at}.${from}`, `"${to}" is not a booking status (${BOOKING_STATUSES.join(', ')})`);
          }
        }
        spec.values = value as Record<string, string>;
        break;
      case 'format':
        if (typeof value !== 'string') fail(at, 'must be a date format such as "DD/MM/YYYY" or "ISO"');
        try {
          compileDateFormat(value);
        } catch (err) {
          fail(at, (err as Error).message);
        }
        spec.format = value;
        break;
      case 'match':
        if (value !== 'code' && value !== 'name') fail(at, `must be "code" or "name", got ${JSON.stringify(value)}`);
        spec.match = value;
        break;
      case 'create':
        if (name === 'customer_ref') {
          if (typeof value !== 'boolean') fail(at, 'must be true or false');
          spec.create = value;
        } else {
          if (!isObject(value) || typeof value.country !== 'string' || !/^[A-Z]{2}$/.test(value.country)) {
            fail(at, 'must be {"country": "PE", "region": "…"}: the country (ISO alpha-2) and region new destinations get');
          }
          if (typeof value.region !== 'string' || value.region.trim() === '') fail(`${at}.region`, 'must be a non-empty string');
          spec.create = { country: value.country, region: value.region.trim() };
        }
        break;
    }
  }
  if (spec.column === undefined && spec.default === undefined) fail(path, 'needs a "column" (or a "default" for every row)');
  return spec;
}

/** Checks a parsed mapping file and fills in defaults; throws InputError naming the first bad field. */
export function parseMapping(raw: unknown): BookingMapping {
  if (!isObject(raw)) fail('(file)', 'must be a JSON object with "fields"');
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL.includes(key)) fail(key, `unknown setting; expected one of ${TOP_LEVEL.join(', ')}`);
  }
  const encoding = raw.encoding ?? 'utf-8';
  if (typeof encoding !== 'string' || !knownEncoding(encoding)) fail('encoding', `must be a text encoding such as "utf-8" or "windows-1252", got ${JSON.stringify(encoding)}`);
  const delimiter = raw.delimiter === undefined ? ',' : oneChar(raw.delimiter, 'delimiter');
  const decimalSeparator = raw.decimalSeparator ?? '.';
  if (decimalSeparator !== '.' && decimalSeparator !== ',') fail('decimalSeparator', `must be "." or ",", got ${JSON.stringify(decimalSeparator)}`);
  const thousandsSeparator = raw.thousandsSeparator === undefined ? undefined : oneChar(raw.thousandsSeparator, 'thousandsSeparator');
  if (thousandsSeparator === decimalSeparator) fail('thousandsSeparator', 'must differ from decimalSeparator');
  if (decimalSeparator === delimiter) {
    // Allowed by CSV (such numbers are quoted), but a mapping that says so is nearly always a mistake.
    fail('decimalSeparator', `is the same as the delimiter ("${delimiter}")`);
  }
  const header = raw.header ?? true;
  if (typeof header !== 'boolean') fail('header', `must be true or false, got ${JSON.stringify(header)}`);
  const dateFormat = raw.dateFormat ?? 'ISO';
  if (typeof dateFormat !== 'string') fail('dateFormat', 'must be a date format such as "DD/MM/YYYY" or "ISO"');
  try {
    compileDateFormat(dateFormat);
  } catch (err) {
    fail('dateFormat', (err as Error).message);
  }
  const timeZoneOffset = raw.timeZoneOffset ?? '+00:00';
  if (typeof timeZoneOffset !== 'string' || parseUtcOffset(timeZoneOffset) === undefined) {
    fail('timeZoneOffset', `must be an offset from UTC such as "-05:00", got ${JSON.stringify(timeZoneOffset)}`);
  }
  if (!isObject(raw.fields)) fail('fields', 'is required: an object naming the column of each booking field');
  const fields: BookingMapping['fields'] = {};
  for (const [name, spec] of Object.entries(raw.fields)) {
    if (!BOOKING_FIELDS.includes(name as BookingField)) fail(`fields.${name}`, `unknown field; expected one of ${BOOKING_FIELDS.join(', ')}`);
    fields[name as BookingField] = fieldSpec(name as BookingField, spec);
  }
  for (const required of ['total_price', 'party_size', 'status'] as const) {
    if (!fields[required]) fail(`fields.${required}`, 'is required');
  }
  const dates = (['booked_at', 'departure_date', 'lead_time_days'] as const).filter((f) => fields[f]);
  if (dates.length < 2) {
    fail(dates.includes('booked_at') ? 'fields.departure_date' : 'fields.booked_at', 'two of booked_at, departure_date and lead_time_days are required (the third is derived)');
  }
  if (!header) {
    for (const [name, spec] of Object.entries(fields)) {
      for (const key of ['column', 'nameColumn'] as const) {
        if (typeof spec[key] === 'string') fail(`fields.${name}.${key}`, 'the file has no header row (header: false), so columns are positions: 1, 2, …');
      }
    }
  }
  if (fields.destination && fields.destination.match === undefined) fields.destination.match = 'code';
  return { encoding, delimiter, decimalSeparator, thousandsSeparator, header, dateFormat, timeZoneOffset, fields };
}

function knownEncoding(label: string): boolean {
  try {
    new TextDecoder(label);
    return true;
  } catch {
    return false;
  }
}

/** Reads and checks a mapping file; a missing file or bad JSON is an InputError naming --mapping. */
export function readMappingFile(file: string): BookingMapping {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`--mapping ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 'mapping');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new InputError(`--mapping ${file} is not valid JSON: ${(err as Error).message}`, 'mapping');
  }
  return parseMapping(raw);
}
