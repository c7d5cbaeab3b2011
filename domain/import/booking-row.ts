import { InputError } from '../../platform/errors.ts';
import {
  compileDateFormat,
  dateFromDayNumber,
  dayNumber,
  isoDate,
  isoTimestamp,
  parseUtcOffset,
  type DateParser,
  type LocalDateTime,
} from './date-format.ts';
import { BOOKING_STATUSES, type BookingField, type BookingMapping, type BookingStatus, type ColumnRef, type FieldSpec } from './mapping.ts';

/**
 * One CSV row → one booking ready to load, or the reason it cannot be: the first problem found, in the order
 * of the fields, with the field's name. Catalogue and customer references are resolved later, in batches,
 * against the database (booking-writer.ts); here only what the row itself says is checked.
 */
export interface ImportedBooking {
  /** timestamptz text with an explicit offset. */
  bookedAt: string;
  departureDate: string;
  partySize: number;
  status: BookingStatus;
  statusChangedAt: string | null;
  channel: string;
  country: string | null;
  totalPrice: string;
  totalCost: string | null;
  currency: string;
  /** The destination as the file names it (code or name, per the mapping), null when the row names none. */
  destination: string | null;
  customerRef: string | null;
  customerName: string | null;
}

export type RejectCode =
  | 'malformed_csv'
  | 'column_count'
  | 'missing_value'
  | 'bad_date'
  | 'bad_lead_time'
  | 'departure_before_booking'
  | 'bad_number'
  | 'negative_amount'
  | 'amount_too_large'
  | 'bad_party_size'
  | 'unknown_status'
  | 'bad_currency'
  | 'bad_country'
  | 'unknown_destination'
  | 'unknown_customer'
  | 'customer_needs_country'
  | 'nul_character'
  | 'database_check';

export interface Reject {
  field: BookingField | null;
  code: RejectCode;
  message: string;
}

export type RowResult = { booking: ImportedBooking; reject?: undefined } | { booking?: undefined; reject: Reject };

/** Largest amount numeric(12, 2) holds. */
const MAX_AMOUNT = 9_999_999_999.99;
const MAX_LEAD_DAYS = 3650;
const DEFAULT_CHANNEL = 'unknown';
const DEFAULT_CURRENCY = 'USD';

interface BoundField {
  index: number | undefined;
  spec: FieldSpec;
  /** The value map as given, and keyed by lower case: exports vary in case ("ok", "OK") for the same value. */
  exact: Map<string, string> | undefined;
  folded: Map<string, string> | undefined;
}

export interface BoundMapping {
  columnCount: number;
  convert(cells: string[]): RowResult;
}

class RowReject extends Error {
  constructor(readonly reject: Reject) {
    super(reject.message);
  }
}

function rejectWith(field: BookingField | null, code: RejectCode, message: string): never {
  throw new RowReject({ field, code, message });
}

function columnIndex(ref: ColumnRef, header: string[] | undefined, columnCount: number, path: string): number {
  if (typeof ref === 'number') {
    if (ref > columnCount) throw new InputError(`mapping ${path}: column ${ref} does not exist; the file has ${columnCount} columns`, path);
    return ref - 1;
  }
  const matches = (header ?? []).flatMap((name, i) => (name.trim() === ref.trim() ? [i] : []));
  if (matches.length === 0) {
    throw new InputError(`mapping ${path}: "${ref}" is not a column of the file; its header has ${(header ?? []).map((h) => JSON.stringify(h)).join(', ')}`, path);
  }
  if (matches.length > 1) throw new InputError(`mapping ${path}: the header has ${matches.length} columns named "${ref}"; use its position instead`, path);
  return matches[0];
}

/**
 * Ties a mapping to the file's first record (its header, or its first data row when there is none) and
 * returns the row converter. Column and default problems are mapping errors (InputError), found before any
 * row is loaded.
 */
export function bindMapping(mapping: BookingMapping, firstRecord: string[]): BoundMapping {
  const header = mapping.header ? firstRecord : undefined;
  const columnCount = firstRecord.length;
  const fileOffset = parseUtcOffset(mapping.timeZoneOffset)!;
  const bound: Partial<Record<BookingField, BoundField>> = {};
  for (const [name, spec] of Object.entries(mapping.fields) as Array<[BookingField, FieldSpec]>) {
    const entries = Object.entries(spec.values ?? {});
    bound[name] = {
      spec,
      index: spec.column === undefined ? undefined : columnIndex(spec.column, header, columnCount, `fields.${name}.column`),
      exact: spec.values ? new Map(entries) : undefined,
      folded: spec.values ? new Map(entries.map(([k, v]) => [k.toLowerCase(), v])) : undefined,
    };
  }
  const nameIndex = mapping.fields.customer_ref?.nameColumn === undefined
    ? undefined
    : columnIndex(mapping.fields.customer_ref.nameColumn, header, columnCount, 'fields.customer_ref.nameColumn');
  const dateParsers: Partial<Record<BookingField, DateParser>> = {};
  for (const name of ['booked_at', 'departure_date', 'status_changed_at'] as const) {
    if (bound[name]) dateParsers[name] = compileDateFormat(bound[name]!.spec.format ?? mapping.dateFormat);
  }

  /** The cell's text after the value map, or the default; undefined when there is neither. */
  const cell = (cells: string[], name: BookingField): string | undefined => {
    const field = bound[name];
    if (!field) return undefined;
    let text = field.index === undefined ? '' : cells[field.index].trim();
    if (text === '') return field.spec.default;
    if (field.exact) text = field.exact.get(text) ?? field.folded!.get(text.toLowerCase()) ?? text;
    return text;
  };

  const required = (cells: string[], name: BookingField): string => {
    const text = cell(cells, name);
    if (text === undefined || text === '') rejectWith(name, 'missing_value', `${name} is empty`);
    return text;
  };

  // Each field's check on its text; the same checks vet the mapping's defaults.
  const parseDate = (name: 'booked_at' | 'departure_date' | 'status_changed_at', text: string): LocalDateTime => {
    const value = dateParsers[name]!(text);
    if (!value) rejectWith(name, 'bad_date', `${name} "${text}" is not a date in the format ${bound[name]!.spec.format ?? mapping.dateFormat}`);
    return value;
  };

  /**
   * A number written with the mapping's separators, or undefined. Only the decimal separator marks decimals ("2.300"
   * with "," as the separator is not 2.3), and thousands groups are whole groups of three ("1,5" with "," between
   * thousands is no number): a misread amount would be stored, where a refused one is kept with why.
   */
  const decimal = (text: string): number | undefined => {
    const t = text.replace(/\s/g, '');
    const sign = t.startsWith('-') || t.startsWith('+') ? t[0] : '';
    const [whole, fraction, ...more] = t.slice(sign.length).split(mapping.decimalSeparator);
    if (more.length > 0 || (fraction !== undefined && !/^\d*$/.test(fraction))) return undefined;
    let digits = whole;
    if (mapping.thousandsSeparator && whole.includes(mapping.thousandsSeparator)) {
      const groups = whole.split(mapping.thousandsSeparator);
      if (!/^\d{1,3}$/.test(groups[0]) || groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return undefined;
      digits = groups.join('');
    }
    if (!/^\d*$/.test(digits) || (digits === '' && !fraction)) return undefined;
    return Number(`${sign}${digits || '0'}${fraction ? `.${fraction}` : ''}`);
  };

  const parseLead = (text: string): number => {
    const value = decimal(text);
    if (value === undefined || !Number.isInteger(value) || value < 0 || value > MAX_LEAD_DAYS) {
      rejectWith('lead_time_days', 'bad_lead_time', `lead_time_days "${text}" is not a whole number of days between 0 and ${MAX_LEAD_DAYS}`);
    }
    return value;
  };

  const parseAmount = (name: 'total_price' | 'total_cost', text: string): string => {
    const value = decimal(text);
    if (value === undefined) rejectWith(name, 'bad_number', `${name} "${text}" is not a number (decimal separator "${mapping.decimalSeparator}")`);
    if (value < 0) rejectWith(name, 'negative_amount', `${name} ${text} is negative`);
    if (value > MAX_AMOUNT) rejectWith(name, 'amount_too_large', `${name} ${text} is larger than ${MAX_AMOUNT}`);
    return value.toFixed(2);
  };

  const parseCurrency = (text: string): string => {
    const currency = text.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) rejectWith('currency', 'bad_currency', `currency "${text}" is not a three-letter code`);
    return currency;
  };

  const parseParty = (text: string): number => {
    const party = decimal(text);
    if (party === undefined || !Number.isInteger(party) || party < 1 || party > 200) {
      rejectWith('party_size', 'bad_party_size', `party_size "${text}" is not a whole number between 1 and 200`);
    }
    return party;
  };

  const parseStatus = (text: string): BookingStatus => {
    const status = text.toLowerCase() as BookingStatus;
    if (!BOOKING_STATUSES.includes(status)) {
      const values = bound.status!.spec.values;
      const known = values ? Object.keys(values).map((k) => `"${k}"`).join(', ') : BOOKING_STATUSES.join(', ');
      rejectWith('status', 'unknown_status', `status "${text}" is not one of ${known}`);
    }
    return status;
  };

  const parseCountry = (text: string): string => {
    const country = text.toUpperCase();
    if (!/^[A-Z]{2}$/.test(country)) rejectWith('country', 'bad_country', `country "${text}" is not an ISO 3166 alpha-2 code (map names with "values")`);
    return country;
  };

  const parseBookedAt = (t: string) => parseDate('booked_at', t);
  const parseDeparture = (t: string) => parseDate('departure_date', t);
  const parseChangedAt = (t: string) => parseDate('status_changed_at', t);
  const parsePrice = (t: string) => parseAmount('total_price', t);
  const parseCost = (t: string) => parseAmount('total_cost', t);

  const checks: Partial<Record<BookingField, (text: string) => unknown>> = {
    booked_at: parseBookedAt,
    departure_date: parseDeparture,
    status_changed_at: parseChangedAt,
    lead_time_days: parseLead,
    total_price: parsePrice,
    total_cost: parseCost,
    currency: parseCurrency,
    party_size: parseParty,
    status: parseStatus,
    country: parseCountry,
  };

  const optional = <T>(cells: string[], name: BookingField, parse: (text: string) => T): T | undefined => {
    const text = cell(cells, name);
    return text === undefined || text === '' ? undefined : parse(text);
  };

  const convert = (cells: string[]): ImportedBooking => {
    const booked = optional(cells, 'booked_at', parseBookedAt);
    const departure = optional(cells, 'departure_date', parseDeparture);
    const lead = optional(cells, 'lead_time_days', parseLead);
    let bookedAt: LocalDateTime;
    let departureDay: number;
    if (booked && departure) {
      bookedAt = booked;
      departureDay = dayNumber(departure);
    } else if (booked && lead !== undefined) {
      bookedAt = booked;
      departureDay = dayNumber(booked) + lead;
    } else if (departure && lead !== undefined) {
      departureDay = dayNumber(departure);
      // Only the day is known: the booking is taken to have been made at the start of it, local time.
      bookedAt = { ...dateFromDayNumber(departureDay - lead), hour: 0, minute: 0, second: 0 };
    } else {
      const missing = !booked && bound.booked_at ? 'booked_at' : !departure && bound.departure_date ? 'departure_date' : 'lead_time_days';
      rejectWith(missing, 'missing_value', `${missing} is empty and cannot be derived from the other dates`);
    }
    if (departureDay < dayNumber(bookedAt)) {
      rejectWith('departure_date', 'departure_before_booking', `departure ${isoDate(dateFromDayNumber(departureDay))} is before the booking date ${isoDate(bookedAt)}`);
    }
    const totalPrice = parsePrice(required(cells, 'total_price'));
    const currency = optional(cells, 'currency', parseCurrency) ?? DEFAULT_CURRENCY;
    const totalCost = optional(cells, 'total_cost', parseCost) ?? null;
    const partySize = parseParty(required(cells, 'party_size'));
    const status = parseStatus(required(cells, 'status'));
    const changed = optional(cells, 'status_changed_at', parseChangedAt);
    const channel = (cell(cells, 'channel') || DEFAULT_CHANNEL).toLowerCase();
    const country = optional(cells, 'country', parseCountry) ?? null;
    return {
      bookedAt: isoTimestamp(bookedAt, fileOffset),
      departureDate: isoDate(dateFromDayNumber(departureDay)),
      partySize,
      status,
      statusChangedAt: changed ? isoTimestamp(changed, fileOffset) : null,
      channel,
      country,
      totalPrice,
      totalCost,
      currency,
      destination: cell(cells, 'destination') || null,
      customerRef: cell(cells, 'customer_ref') || null,
      customerName: nameIndex === undefined ? null : cells[nameIndex].trim() || null,
    };
  };

  // A default holds for every row: a bad one is a mapping error, not thousands of identical rejects.
  for (const [name, field] of Object.entries(bound) as Array<[BookingField, BoundField]>) {
    const check = checks[name];
    if (field.spec.default === undefined || !check) continue;
    try {
      check(field.spec.default);
    } catch (err) {
      if (err instanceof RowReject) throw new InputError(`mapping fields.${name}.default: ${err.reject.message}`, `fields.${name}.default`);
      throw err;
    }
  }

  // The columns whose text is stored, with the field each is stored as (the customer's name goes with customer_ref).
  const storedColumns: Array<[number, BookingField]> = (Object.entries(bound) as Array<[BookingField, BoundField]>).flatMap(([name, field]) => (field.index === undefined ? [] : [[field.index, name] as [number, BookingField]]));
  if (nameIndex !== undefined) storedColumns.push([nameIndex, 'customer_ref']);

  return {
    columnCount,
    convert(cells) {
      if (cells.length !== columnCount) {
        return { reject: { field: null, code: 'column_count', message: `expected ${columnCount} columns, found ${cells.length}` } };
      }
      // PostgreSQL text cannot hold U+0000: one such cell failed the whole import, good rows with it.
      const nul = storedColumns.find(([index]) => cells[index].includes('\u0000'));
      if (nul) return { reject: { field: nul[1], code: 'nul_character', message: `column ${nul[0] + 1} holds a NUL character (U+0000), which text cannot hold` } };
      try {
        return { booking: convert(cells) };
      } catch (err) {
        if (err instanceof RowReject) return { reject: err.reject };
        throw err;
      }
    },
  };
}
