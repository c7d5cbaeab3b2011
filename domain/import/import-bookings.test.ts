import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../migrate.ts';
import { fileSha256, importBookings, type ImportSummary } from './import-bookings.ts';
import { parseMapping, readMappingFile, type BookingMapping } from './mapping.ts';
import { InputError } from '../../platform/errors.ts';
import { createLogger } from '../../platform/log.ts';
import { freshDatabase, postgresTargets, quietLog, tempDir, type TestDatabase } from '../../test/support/services.ts';

/** For the runs that fail on purpose: their error log line is expected. */
const silentLog = createLogger('silent');
const FIXTURE = new URL('./fixtures/bookings.csv', import.meta.url).pathname;
const MAPPING = readMappingFile(new URL('./fixtures/mapping.json', import.meta.url).pathname);

/** What the fixture's bad rows must produce: physical line → field and reason code. */
const EXPECTED_REJECTS = [
  { line: 4, field: 'booked_at', code: 'bad_date' },
  { line: 5, field: 'total_price', code: 'negative_amount' },
  { line: 6, field: 'party_size', code: 'bad_party_size' },
  { line: 7, field: 'status', code: 'unknown_status' },
  { line: 8, field: 'destination', code: 'unknown_destination' },
  { line: 9, field: null, code: 'column_count' },
  { line: 13, field: 'departure_date', code: 'departure_before_booking' },
  { line: 14, field: null, code: 'malformed_csv' },
  { line: 17, field: 'customer_ref', code: 'customer_needs_country' },
];

async function seedCatalogue(db: TestDatabase): Promise<void> {
  await db.pool.query(`
    INSERT INTO destinations (code, name, country, region) VALUES
      ('cusco', 'Cusco', 'PE', 'Andes'), ('machu-picchu', 'Machu Picchu', 'PE', 'Andes'), ('lima', 'Lima', 'PE', 'Coast');
    INSERT INTO customers (external_ref, name, country) VALUES ('C-100', 'Existing Customer', 'US');
  `);
}

interface LoadedBooking {
  id: string;
  booked_at: Date;
  departure_date: string;
  party_size: number;
  status: string;
  channel: string;
  country: string | null;
  total_price: string;
  currency: string;
  destination: string | null;
  customer_ref: string | null;
  customer_name: string | null;
  source: string;
}

async function loadedBookings(db: TestDatabase, importId: number): Promise<LoadedBooking[]> {
  const { rows } = await db.pool.query<LoadedBooking>(
    `SELECT b.id, b.booked_at, to_char(b.departure_date, 'YYYY-MM-DD') AS departure_date, b.party_size, b.status, b.channel, b.country,
            b.total_price::text AS total_price, b.currency, d.code AS destination, c.external_ref AS customer_ref, c.name AS customer_name, b.source
       FROM bookings b LEFT JOIN destinations d ON d.id = b.destination_id LEFT JOIN customers c ON c.id = b.customer_id
      WHERE b.source = $1 ORDER BY b.id`,
    [`import:${importId}`],
  );
  return rows;
}

async function rejectsOf(db: TestDatabase, importId: number) {
  const { rows } = await db.pool.query<{ line_number: number; field: string | null; reason: string; raw_line: string }>(
    'SELECT line_number, field, reason, raw_line FROM import_rejects WHERE import_id = $1 ORDER BY line_number',
    [importId],
  );
  return rows;
}

for (const target of await postgresTargets()) {
  describe(`import bookings on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let first: ImportSummary;

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'import');
      await migrate(db.pool, quietLog);
      await seedCatalogue(db);
      first = await importBookings(db.pool, { file: FIXTURE, mapping: MAPPING, log: quietLog, batchRows: 4 });
    });
    after(async () => db?.drop());

    it('counts every row: read = loaded + rejected, by reason, blank lines apart', async () => {
      assert.equal(first.read, 15);
      assert.equal(first.loaded, 6);
      assert.equal(first.rejected, EXPECTED_REJECTS.length);
      assert.equal(first.blankLines, 1);
      const byReason: Record<string, number> = {};
      for (const r of EXPECTED_REJECTS) byReason[r.code] = (byReason[r.code] ?? 0) + 1;
      assert.deepEqual(first.byReason, byReason);
      const { rows } = await db.pool.query('SELECT status, rows_read, rows_loaded, rows_rejected, file_name, file_sha256 FROM imports WHERE id = $1', [first.importId]);
      assert.deepEqual(rows[0], { status: 'finished', rows_read: 15, rows_loaded: 6, rows_rejected: 9, file_name: 'bookings.csv', file_sha256: first.sha256 });
    });

    it('writes each bad row to import_rejects with its physical line, field, reason and raw text', async () => {
      const rejects = await rejectsOf(db, first.importId);
      assert.deepEqual(
        rejects.map((r) => ({ line: r.line_number, field: r.field, code: r.reason.split(':')[0] })),
        EXPECTED_REJECTS,
      );
      const byLine = new Map(rejects.map((r) => [r.line_number, r]));
      assert.match(byLine.get(4)!.reason, /booked_at "31\/02\/2024 10:00" is not a date in the format DD\/MM\/YYYY HH:mm/);
      assert.match(byLine.get(7)!.reason, /status "MAYBE" is not one of "OK", "X", "PEND"/);
      assert.match(byLine.get(8)!.reason, /destination "Atlantis" is not in the catalogue/);
      assert.match(byLine.get(9)!.reason, /expected 12 columns, found 7/);
      assert.equal(byLine.get(9)!.raw_line, '06/02/2024 08:00,20/05/2024,,800,USD,2,OK');
      assert.equal(byLine.get(14)!.raw_line, '11/03/2024 10:00,"20/03/2024"x,,900,USD,2,OK,WEB,US,Lima,C-006,Kim Park');
    });

    it('loads the valid rows with the right values (dates in the file\'s time zone, derived dates, value maps, thousands)', async () => {
      const rows = await loadedBookings(db, first.importId);
      const brief = rows.map((r) => ({
        bookedAt: r.booked_at.toISOString(),
        departure: r.departure_date,
        pax: r.party_size,
        status: r.status,
        channel: r.channel,
        country: r.country,
        price: r.total_price,
        currency: r.currency,
        destination: r.destination,
        customer: r.customer_ref,
      }));
      assert.deepEqual(brief, [
        { bookedAt: '2024-01-03T15:30:00.000Z', departure: '2024-03-15', pax: 2, status: 'confirmed', channel: 'web', country: 'US', price: '1250.50', currency: 'USD', destination: 'cusco', customer: 'C-001' },
        { bookedAt: '2024-01-10T14:00:00.000Z', departure: '2024-02-24', pax: 1, status: 'confirmed', channel: 'agent', country: 'DE', price: '980.00', currency: 'USD', destination: 'machu-picchu', customer: 'C-002' },
        { bookedAt: '2024-02-07T19:15:00.000Z', departure: '2024-06-01', pax: 4, status: 'cancelled', channel: 'agent', country: 'PE', price: '2300.00', currency: 'USD', destination: 'cusco', customer: 'C-004' },
        { bookedAt: '2024-06-01T05:00:00.000Z', departure: '2024-07-01', pax: 3, status: 'created', channel: 'unknown', country: 'US', price: '1500.00', currency: 'USD', destination: 'machu-picchu', customer: 'C-001' },
        { bookedAt: '2024-03-12T21:45:00.000Z', departure: '2024-03-30', pax: 5, status: 'confirmed', channel: 'phone', country: null, price: '3100.75', currency: 'PEN', destination: 'lima', customer: 'C-100' },
        { bookedAt: '2024-03-14T16:00:00.000Z', departure: '2024-03-14', pax: 1, status: 'confirmed', channel: 'web', country: 'CL', price: '199.99', currency: 'USD', destination: 'lima', customer: null },
      ]);
      assert.ok(rows.every((r) => r.source === `import:${first.importId}`));
      // The quoted name with a comma and a line break arrives whole; an existing customer keeps its own name.
      assert.equal(rows[2].customer_name, 'Pérez, Ana\nand family');
      assert.equal(rows[4].customer_name, 'Existing Customer');
    });

    it('creates the new customers of loaded rows only, once each, and no destination', async () => {
      const { rows } = await db.pool.query<{ external_ref: string; country: string }>('SELECT external_ref, country FROM customers ORDER BY external_ref');
      assert.deepEqual(rows.map((r) => `${r.external_ref}:${r.country}`), ['C-001:US', 'C-002:DE', 'C-004:PE', 'C-100:US']);
      assert.equal(first.createdCustomers, 3);
      assert.deepEqual(first.createdDestinations, []);
      assert.equal(Number((await db.pool.query('SELECT count(*) AS n FROM destinations')).rows[0].n), 3);
    });

    it('gives every imported booking one status-history row with its status at import', async () => {
      const { rows } = await db.pool.query<{ status: string; history: string; reason: string; changed_at: Date; booked_at: Date }>(
        `SELECT b.status, h.status AS history, h.reason, h.changed_at, b.booked_at
           FROM bookings b JOIN booking_status_history h ON h.booking_id = b.id WHERE b.source = $1`,
        [`import:${first.importId}`],
      );
      assert.equal(rows.length, first.loaded);
      for (const r of rows) {
        assert.equal(r.history, r.status);
        // The file does not say when the status was reached: the booking time stands in, and the reason says so.
        assert.equal(r.reason, `status at import ${first.importId}, time unknown`);
        assert.equal(r.changed_at.getTime(), r.booked_at.getTime());
      }
    });

    it('refuses to import the same file again unless forced', async () => {
      await assert.rejects(
        importBookings(db.pool, { file: FIXTURE, mapping: MAPPING, log: quietLog }),
        (err: unknown) => err instanceof InputError && err.field === 'FILE' && /already imported \(import \d+ .*--force/.test(err.message),
      );
      const total = Number((await db.pool.query(`SELECT count(*) AS n FROM bookings`)).rows[0].n);
      assert.equal(total, first.loaded);
      const forced = await importBookings(db.pool, { file: FIXTURE, mapping: MAPPING, log: quietLog, force: true });
      assert.equal(forced.loaded, first.loaded);
      assert.equal(forced.rejected, first.rejected);
      assert.notEqual(forced.importId, first.importId);
      assert.equal(forced.createdCustomers, 0, 'customers of the first import are found, not created again');
      assert.equal(Number((await db.pool.query(`SELECT count(*) AS n FROM bookings`)).rows[0].n), 2 * first.loaded);
    });

    it('reads the same file with CRLF line ends and large batches to the same lines and values', async () => {
      const dir = tempDir('import-crlf');
      const crlf = path.join(dir, 'bookings-crlf.csv');
      fs.writeFileSync(crlf, fs.readFileSync(FIXTURE, 'utf8').replace(/\n/g, '\r\n'));
      const again = await importBookings(db.pool, { file: crlf, mapping: MAPPING, log: quietLog, batchRows: 1000 });
      assert.deepEqual([again.read, again.loaded, again.rejected, again.blankLines], [first.read, first.loaded, first.rejected, first.blankLines]);
      const rejects = await rejectsOf(db, again.importId);
      assert.deepEqual(rejects.map((r) => r.line_number), EXPECTED_REJECTS.map((r) => r.line));
      const rows = await loadedBookings(db, again.importId);
      assert.equal(rows[2].customer_name, 'Pérez, Ana\nand family', 'the customer was created by the first import, with LF');
      assert.deepEqual(
        rows.map((r) => [r.booked_at.toISOString(), r.departure_date, r.total_price]),
        (await loadedBookings(db, first.importId)).map((r) => [r.booked_at.toISOString(), r.departure_date, r.total_price]),
      );
    });

    it('creates unknown destinations when the mapping says so, and reads ;-separated Windows-1252 files without a header', async () => {
      const dir = tempDir('import-latin1');
      const file = path.join(dir, 'export.csv');
      const text = ['2024-05-02;Nazca Lines;1.234,50;3;OK;', '2024-05-03;Cañón del Colca;99,9;1;OK;2024-03-10', '2024-05-04;NAZCA  LINES;10;2;OK;', '2024-05-05;Lima;5;2;maybe;', ''].join('\r\n');
      fs.writeFileSync(file, Buffer.from(text, 'latin1'));
      const mapping: BookingMapping = parseMapping({
        encoding: 'windows-1252',
        delimiter: ';',
        decimalSeparator: ',',
        thousandsSeparator: '.',
        header: false,
        dateFormat: 'YYYY-MM-DD',
        fields: {
          departure_date: 1,
          lead_time_days: { default: '60' },
          destination: { column: 2, match: 'name', create: { country: 'PE', region: 'Imported' } },
          total_price: 3,
          party_size: 4,
          status: { column: 5, values: { OK: 'confirmed' } },
          status_changed_at: 6,
        },
      });
      const summary = await importBookings(db.pool, { file, mapping, log: quietLog });
      assert.deepEqual([summary.read, summary.loaded, summary.rejected], [4, 3, 1]);
      assert.deepEqual(summary.createdDestinations, ['nazca-lines', 'canon-del-colca']);
      const rows = await loadedBookings(db, summary.importId);
      assert.deepEqual(
        rows.map((r) => [r.destination, r.total_price, r.departure_date, r.booked_at.toISOString()]),
        [
          ['nazca-lines', '1234.50', '2024-05-02', '2024-03-03T00:00:00.000Z'],
          ['canon-del-colca', '99.90', '2024-05-03', '2024-03-04T00:00:00.000Z'],
          ['nazca-lines', '10.00', '2024-05-04', '2024-03-05T00:00:00.000Z'],
        ],
      );
      const names = await db.pool.query<{ name: string; region: string }>(`SELECT name, region FROM destinations WHERE code = 'canon-del-colca'`);
      assert.deepEqual(names.rows[0], { name: 'Cañón del Colca', region: 'Imported' });
      assert.deepEqual((await rejectsOf(db, summary.importId)).map((r) => [r.line_number, r.reason.split(':')[0]]), [[4, 'unknown_status']]);
      const history = await db.pool.query<{ changed_at: Date; reason: string }>(
        `SELECT h.changed_at, h.reason FROM booking_status_history h JOIN bookings b ON b.id = h.booking_id WHERE b.source = $1 ORDER BY b.id`,
        [`import:${summary.importId}`],
      );
      assert.deepEqual(
        history.rows.map((h) => [h.changed_at.toISOString(), h.reason]),
        [
          ['2024-03-03T00:00:00.000Z', `status at import ${summary.importId}, time unknown`],
          ['2024-03-10T00:00:00.000Z', `status at import ${summary.importId}`],
          ['2024-03-05T00:00:00.000Z', `status at import ${summary.importId}, time unknown`],
        ],
      );
    });

    it('rejects a row holding a NUL character, naming the field, and loads the rest (one NUL failed the whole import)', async () => {
      const file = path.join(tempDir('import-nul'), 'nul.csv');
      const header = fs.readFileSync(FIXTURE, 'utf8').split(/\r?\n/)[0];
      const rows = [
        '03/01/2024 10:30,15/03/2024,,1250.50,USD,2,OK,WEB,US,Cusco,N-001,Ana Nul',
        '03/01/2024 10:30,15/03/2024,,1250.50,USD,2,OK,WEB,US,Cusco,N-002,Nul\u0000Byte',
        '03/01/2024 10:30,15/03/2024,,1250.50,USD,2,OK,W\u0000EB,US,Cusco,N-001,Ana Nul',
        '03/01/2024 10:30,15/03/2024,,1250.50,USD,2,OK,WEB,U\u0000S,Cusco,N-001,Ana Nul',
      ];
      fs.writeFileSync(file, [header, ...rows, ''].join('\n'));
      const summary = await importBookings(db.pool, { file, mapping: MAPPING, log: quietLog });
      assert.deepEqual([summary.read, summary.loaded, summary.rejected], [4, 1, 3]);
      const rejects = await rejectsOf(db, summary.importId);
      assert.deepEqual(
        rejects.map((r) => [r.line_number, r.field, r.reason.split(':')[0]]),
        [
          [3, 'customer_ref', 'nul_character'],
          [4, 'channel', 'nul_character'],
          [5, 'country', 'nul_character'],
        ],
      );
      assert.ok(rejects[0].raw_line.endsWith('Nul\\u0000Byte'), `the line is kept, its NUL written out: ${rejects[0].raw_line}`);
    });

    it('rolls a failed import back whole and records it as failed', async () => {
      const dir = tempDir('import-broken');
      const file = path.join(dir, 'broken.csv');
      // Over a megabyte of valid rows (several batches, more than one read chunk), then a byte that is not UTF-8.
      const header = 'Booking Date,Departure,Lead,Amount,Currency,Pax,State,Channel,Market,Destination,Client,Client Name\n';
      const row = '03/01/2024 10:30,15/03/2024,,1250.50,USD,2,OK,WEB,US,Cusco,C-001,Ann Lee\n';
      fs.writeFileSync(file, Buffer.concat([Buffer.from(header + row.repeat(16_000)), Buffer.from([0xff, 0x0a])]));
      const before = Number((await db.pool.query('SELECT count(*) AS n FROM bookings')).rows[0].n);
      await assert.rejects(
        importBookings(db.pool, { file, mapping: MAPPING, log: silentLog }),
        (err: unknown) => err instanceof InputError && err.field === 'encoding' && /broken.csv is not valid utf-8 text/.test(err.message),
      );
      assert.equal(Number((await db.pool.query('SELECT count(*) AS n FROM bookings')).rows[0].n), before);
      const { rows } = await db.pool.query<{ status: string; finished_at: Date | null; rejects: string }>(
        `SELECT status, finished_at, (SELECT count(*) FROM import_rejects r WHERE r.import_id = i.id) AS rejects FROM imports i WHERE file_name = 'broken.csv'`,
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].status, 'failed');
      assert.ok(rows[0].finished_at);
      assert.equal(rows[0].rejects, '0');
    });

    it('marks an import left running by a dead process as failed, and imports the file', async () => {
      const dir = tempDir('import-dead');
      const file = path.join(dir, 'again.csv');
      fs.writeFileSync(file, 'Booking Date,Departure,Lead,Amount,Currency,Pax,State,Channel,Market,Destination,Client,Client Name\n' +
        '01/04/2024 10:00,01/05/2024,,100,USD,1,OK,WEB,US,Lima,,\n');
      const sha = await fileSha256(file);
      const dead = await db.pool.query<{ id: string }>(
        `INSERT INTO imports (kind, file_name, file_sha256, mapping) VALUES ('bookings', 'again.csv', $1, '{}') RETURNING id`,
        [sha],
      );
      const summary = await importBookings(db.pool, { file, mapping: MAPPING, log: quietLog });
      assert.equal(summary.loaded, 1);
      const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM imports WHERE id = $1', [dead.rows[0].id]);
      assert.equal(rows[0].status, 'failed');
    });

    it('treats a mapping that does not fit the file as bad input naming the field, before writing anything', async () => {
      const raw = JSON.parse(fs.readFileSync(new URL('./fixtures/mapping.json', import.meta.url), 'utf8'));
      const wrongColumn = parseMapping({ ...raw, fields: { ...raw.fields, party_size: 'Passengers' } });
      const imports = Number((await db.pool.query('SELECT count(*) AS n FROM imports')).rows[0].n);
      await assert.rejects(
        importBookings(db.pool, { file: FIXTURE, mapping: wrongColumn, log: quietLog, force: true }),
        (err: unknown) => err instanceof InputError && err.field === 'fields.party_size.column' && /"Passengers" is not a column of the file/.test(err.message),
      );
      assert.equal(Number((await db.pool.query('SELECT count(*) AS n FROM imports')).rows[0].n), imports);
    });
  });
}
