import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMapping } from './mapping.ts';
import { bindMapping } from './booking-row.ts';
import { compileDateFormat } from './date-format.ts';
import { InputError } from '../../platform/errors.ts';

const minimal = {
  fields: { booked_at: 'booked', departure_date: 'departs', total_price: 'price', party_size: 'pax', status: 'status' },
};

function rejectsWith(raw: unknown, field: string, message: RegExp) {
  assert.throws(
    () => parseMapping(raw),
    (err: unknown) => err instanceof InputError && err.field === field && message.test(err.message),
    `expected ${field} to be named`,
  );
}

describe('mapping file', () => {
  it('fills in the defaults of a minimal mapping', () => {
    const m = parseMapping(minimal);
    assert.deepEqual(
      { encoding: m.encoding, delimiter: m.delimiter, decimal: m.decimalSeparator, header: m.header, dateFormat: m.dateFormat, tz: m.timeZoneOffset },
      { encoding: 'utf-8', delimiter: ',', decimal: '.', header: true, dateFormat: 'ISO', tz: '+00:00' },
    );
    assert.deepEqual(m.fields.party_size, { column: 'pax' });
  });

  it('names the field of every kind of mistake', () => {
    rejectsWith([], '(file)', /JSON object/);
    rejectsWith({ ...minimal, delimeter: ';' }, 'delimeter', /unknown setting/);
    rejectsWith({ ...minimal, delimiter: ';;' }, 'delimiter', /one character/);
    rejectsWith({ ...minimal, decimalSeparator: ',', delimiter: ',' }, 'decimalSeparator', /same as the delimiter/);
    rejectsWith({ ...minimal, decimalSeparator: ',', thousandsSeparator: ',', delimiter: ';' }, 'thousandsSeparator', /must differ/);
    rejectsWith({ ...minimal, encoding: 'klingon' }, 'encoding', /text encoding/);
    rejectsWith({ ...minimal, header: 'yes' }, 'header', /true or false/);
    rejectsWith({ ...minimal, dateFormat: 'DD/MM' }, 'dateFormat', /no year/);
    rejectsWith({ ...minimal, timeZoneOffset: 'Lima' }, 'timeZoneOffset', /offset from UTC/);
    rejectsWith({}, 'fields', /is required/);
    rejectsWith({ fields: { ...minimal.fields, pax_count: 'x' } }, 'fields.pax_count', /unknown field; expected one of/);
    rejectsWith({ fields: { ...minimal.fields, party_size: {} } }, 'fields.party_size', /needs a "column"/);
    rejectsWith({ fields: { booked_at: 'b', total_price: 'p', party_size: 'x', status: 's' } }, 'fields.departure_date', /two of booked_at, departure_date and lead_time_days/);
    rejectsWith({ fields: { ...minimal.fields, status: { column: 's', values: { OK: 'done' } } } }, 'fields.status.values.OK', /"done" is not a booking status/);
    rejectsWith({ fields: { ...minimal.fields, booked_at: { column: 'b', format: 'MM/YYYY' } } }, 'fields.booked_at.format', /no day/);
    rejectsWith({ fields: { ...minimal.fields, party_size: { column: 'p', format: 'YYYY' } } }, 'fields.party_size.format', /only applies to/);
    rejectsWith({ fields: { ...minimal.fields, destination: { column: 'd', match: 'id' } } }, 'fields.destination.match', /"code" or "name"/);
    rejectsWith({ fields: { ...minimal.fields, destination: { column: 'd', create: true } } }, 'fields.destination.create', /country/);
    rejectsWith({ fields: { ...minimal.fields, party_size: 0 } }, 'fields.party_size', /column position/);
    rejectsWith({ header: false, fields: minimal.fields }, 'fields.booked_at.column', /no header row/);
    const { total_price: _price, ...noPrice } = minimal.fields;
    rejectsWith({ fields: noPrice }, 'fields.total_price', /is required/);
  });

  it('checks the mapping against the file\'s header and its defaults before any row', () => {
    const header = ['booked', 'departs', 'price', 'pax', 'status'];
    assert.throws(
      () => bindMapping(parseMapping({ fields: { ...minimal.fields, country: 'market' } }), header),
      (err: unknown) => err instanceof InputError && err.field === 'fields.country.column' && /"market" is not a column of the file; its header has "booked"/.test(err.message),
    );
    assert.throws(
      () => bindMapping(parseMapping({ fields: { ...minimal.fields, country: 9 } }), header),
      (err: unknown) => err instanceof InputError && err.field === 'fields.country.column' && /column 9 does not exist; the file has 5 columns/.test(err.message),
    );
    assert.throws(
      () => bindMapping(parseMapping({ fields: { ...minimal.fields, currency: { default: 'dollars' } } }), header),
      (err: unknown) => err instanceof InputError && err.field === 'fields.currency.default' && /three-letter/.test(err.message),
    );
    assert.throws(
      () => bindMapping(parseMapping(minimal), ['booked', 'departs', 'price', 'pax', 'price', 'status']),
      (err: unknown) => err instanceof InputError && err.field === 'fields.total_price.column' && /2 columns named "price"; use its position/.test(err.message),
    );
  });
});

describe('row conversion', () => {
  const header = ['booked', 'departs', 'lead', 'price', 'pax', 'status'];
  const bound = bindMapping(
    parseMapping({ fields: { booked_at: 'booked', departure_date: 'departs', lead_time_days: 'lead', total_price: 'price', party_size: 'pax', status: 'status' } }),
    header,
  );
  const convert = (...cells: string[]) => bound.convert(cells);

  it('takes ISO dates with their own offset and derives a missing date from the lead time', () => {
    const own = convert('2024-03-01T10:00:00-05:00', '2024-04-01', '', '100', '2', 'confirmed');
    assert.equal(own.booking?.bookedAt, '2024-03-01T10:00:00-05:00');
    assert.equal(convert('2024-03-01', '', '31', '100', '2', 'confirmed').booking?.departureDate, '2024-04-01');
    assert.equal(convert('', '2024-03-01', '29', '100', '2', 'confirmed').booking?.bookedAt, '2024-02-01T00:00:00+00:00');
  });

  it('rejects each bad value with its field and reason', () => {
    const cases: Array<[string[], string, string]> = [
      [['', '', '10', '100', '2', 'confirmed'], 'booked_at', 'missing_value'],
      [['2024-02-30', '2024-04-01', '', '100', '2', 'confirmed'], 'booked_at', 'bad_date'],
      [['2024-03-01', '', '-3', '100', '2', 'confirmed'], 'lead_time_days', 'bad_lead_time'],
      [['2024-03-01', '', '2.5', '100', '2', 'confirmed'], 'lead_time_days', 'bad_lead_time'],
      [['2024-03-01', '2024-04-01', '', '1,5', '2', 'confirmed'], 'total_price', 'bad_number'],
      [['2024-03-01', '2024-04-01', '', '12345678901', '2', 'confirmed'], 'total_price', 'amount_too_large'],
      [['2024-03-01', '2024-04-01', '', '', '2', 'confirmed'], 'total_price', 'missing_value'],
      [['2024-03-01', '2024-04-01', '', '100', '201', 'confirmed'], 'party_size', 'bad_party_size'],
      [['2024-03-01', '2024-04-01', '', '100', 'two', 'confirmed'], 'party_size', 'bad_party_size'],
      [['2024-03-01', '2024-04-01', '', '100', '2', 'paid'], 'status', 'unknown_status'],
    ];
    for (const [cells, field, code] of cases) {
      const result = bound.convert(cells);
      assert.deepEqual([result.reject?.field, result.reject?.code], [field, code], cells.join(','));
    }
    assert.deepEqual(convert('a', 'b').reject, { field: null, code: 'column_count', message: 'expected 6 columns, found 2' });
  });

  it('reads amounts with the mapping’s own separators only, and refuses one it would misread', () => {
    const fields = { booked_at: 'booked', departure_date: 'departs', lead_time_days: 'lead', total_price: 'price', party_size: 'pax', status: 'status' };
    const withSeparators = (decimalSeparator: string, thousandsSeparator?: string) =>
      bindMapping(parseMapping({ delimiter: ';', decimalSeparator, ...(thousandsSeparator ? { thousandsSeparator } : {}), fields }), header);
    const price = (mapping: ReturnType<typeof bindMapping>, text: string) => {
      const result = mapping.convert(['2024-03-01', '2024-04-01', '', text, '2', 'confirmed']);
      return result.reject ? result.reject.code : result.booking?.totalPrice;
    };
    const comma = withSeparators(',');
    assert.equal(price(comma, '2300,50'), '2300.50');
    assert.equal(price(comma, '2.300'), 'bad_number', 'a dot is no decimal separator here');
    const spanish = withSeparators(',', '.');
    assert.equal(price(spanish, '2.300,00'), '2300.00');
    assert.equal(price(spanish, '12.000'), '12000.00');
    assert.equal(price(spanish, '1.5'), 'bad_number', 'thousands come in groups of three');
    const english = withSeparators('.', ',');
    assert.equal(price(english, '1,234,567.5'), '1234567.50');
    assert.equal(price(english, '1,5'), 'bad_number');
    assert.equal(price(english, '-0.5'), 'negative_amount');
  });
});

describe('date formats', () => {
  it('reads day-first, month-first, two-digit years and times, and checks the calendar', () => {
    assert.deepEqual(compileDateFormat('DD/MM/YYYY')('29/02/2024'), { year: 2024, month: 2, day: 29, hour: 0, minute: 0, second: 0 });
    assert.equal(compileDateFormat('DD/MM/YYYY')('29/02/2023'), undefined);
    assert.deepEqual(compileDateFormat('M/D/YY H:mm')('7/4/24 9:05'), { year: 2024, month: 7, day: 4, hour: 9, minute: 5, second: 0 });
    assert.equal(compileDateFormat('YYYY-MM-DD')('2024-13-01'), undefined);
    assert.equal(compileDateFormat('YYYY-MM-DD')('0024-01-01'), undefined);
    assert.equal(compileDateFormat('ISO')('2024-06-01T25:00'), undefined);
    assert.equal(compileDateFormat('ISO')('2024-06-01T10:00Z')?.offsetMinutes, 0);
    assert.equal(compileDateFormat('ISO')('2024-06-01 10:00:00+05:30')?.offsetMinutes, 330);
    assert.throws(() => compileDateFormat('DD/DD/YYYY'), /names the day twice/);
  });
});
