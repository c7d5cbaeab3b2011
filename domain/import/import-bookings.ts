import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { InputError } from '../../platform/errors.ts';
import { startProgress } from '../../platform/progress.ts';
import { CsvParser, CsvRecordTooLongError, type CsvRecord } from './csv-parser.ts';
import { bindMapping, type BoundMapping, type RejectCode } from './booking-row.ts';
import { BookingWriter } from './booking-writer.ts';
import { CustomerMatcher } from './customer-matcher.ts';
import { DestinationMatcher } from './destination-matcher.ts';
import type { BookingMapping } from './mapping.ts';

/**
 * `spirit-ml import bookings`: a CSV file of bookings from an outside system into the booking system.
 *
 * The file is streamed (never held whole) and loaded in batches inside one transaction with the import's
 * counts, so an import either lands completely — valid rows in `bookings`, every other row in `import_rejects`
 * with its line and reason — or not at all. The `imports` row is written outside that transaction, so a failed
 * import is still on record as failed. The same file (by SHA-256) is not imported twice unless forced; imports of
 * one file are serialised by an advisory lock, and a run found `running` by a process holding that lock is one
 * whose process died.
 */
export interface ImportOptions {
  file: string;
  mapping: BookingMapping;
  log: Logger;
  /** Import even if this file was imported before. */
  force?: boolean;
  batchRows?: number;
}

export interface ImportSummary {
  importId: number;
  file: string;
  sha256: string;
  status: 'finished';
  /** Data rows read (header and blank lines excluded). */
  read: number;
  loaded: number;
  rejected: number;
  byReason: Partial<Record<RejectCode, number>>;
  blankLines: number;
  createdDestinations: string[];
  createdCustomers: number;
  seconds: number;
  rowsPerSecond: number;
}

const CHUNK_BYTES = 1 << 20;

export async function fileSha256(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Records of the file, decoded strictly: a file in another encoding is an error that says which to declare. */
async function* fileRecords(file: string, mapping: BookingMapping): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder(mapping.encoding, { fatal: true });
  const parser = new CsvParser({ delimiter: mapping.delimiter });
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new InputError(
        `${file} is not valid ${mapping.encoding} text; set "encoding" in the mapping (e.g. "windows-1252" for Excel exports)`,
        'encoding',
      );
    }
  };
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES })) yield parser.push(decode(chunk as Buffer));
    yield parser.push(decode());
    yield parser.end();
  } catch (err) {
    if (err instanceof CsvRecordTooLongError) throw new InputError(`${file}: ${err.message}`, 'FILE');
    throw err;
  }
}

export async function importBookings(pool: pg.Pool, opts: ImportOptions): Promise<ImportSummary> {
  const { file, mapping, log } = opts;
  const batchRows = opts.batchRows ?? 5000;
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new InputError(`${file} does not exist or is not a file`, 'FILE');
  const started = performance.now();
  const sha256 = await fileSha256(file);

  // The first record binds the mapping to the file's columns: a mapping that does not fit fails here, before
  // anything is written.
  const batches = fileRecords(file, mapping);
  let first: CsvRecord | undefined;
  let firstBatch: CsvRecord[] = [];
  while (!first) {
    const next = await batches.next();
    if (next.done) throw new InputError(`${file} is empty`, 'FILE');
    firstBatch = next.value;
    first = firstBatch.find((r) => r.raw.trim() !== '');
    if (first) firstBatch = firstBatch.slice(firstBatch.indexOf(first) + (mapping.header ? 1 : 0));
  }
  if (first.malformed) throw new InputError(`${file} line ${first.line}: the first record is not well-formed CSV (${first.malformed.replace(/_/g, ' ')})`, 'FILE');
  let bound: BoundMapping;
  try {
    bound = bindMapping(mapping, first.fields);
  } catch (err) {
    await batches.return(undefined);
    throw err;
  }

  const client = await pool.connect();
  let importId: number | undefined;
  // The batch being written while the next one is parsed (the connection takes one query at a time).
  let inFlight: Promise<void> | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 1847))', [`import:${sha256}`]);
    const previous = await client.query<{ id: string; finished_at: Date; rows_loaded: number }>(
      `SELECT id, finished_at, rows_loaded FROM imports WHERE kind = 'bookings' AND file_sha256 = $1 AND status = 'finished' ORDER BY id DESC LIMIT 1`,
      [sha256],
    );
    if (previous.rows[0] && !opts.force) {
      const p = previous.rows[0];
      throw new InputError(
        `${file} was already imported (import ${p.id} on ${p.finished_at.toISOString()}, ${p.rows_loaded} bookings loaded); pass --force to import it again`,
        'FILE',
      );
    }
    await client.query(`UPDATE imports SET status = 'failed', finished_at = now() WHERE kind = 'bookings' AND file_sha256 = $1 AND status = 'running'`, [sha256]);
    importId = Number(
      (
        await pool.query<{ id: string }>(
          `INSERT INTO imports (kind, file_name, file_sha256, mapping) VALUES ('bookings', $1, $2, $3) RETURNING id`,
          [path.basename(file), sha256, JSON.stringify(mapping)],
        )
      ).rows[0].id,
    );
    log.info('import started', { importId, file: path.basename(file), sha256 });

    const destinationSpec = mapping.fields.destination;
    const destinations = destinationSpec
      ? await DestinationMatcher.load(client, destinationSpec.match ?? 'code', typeof destinationSpec.create === 'object' ? destinationSpec.create : undefined)
      : undefined;
    const customers = mapping.fields.customer_ref ? new CustomerMatcher(mapping.fields.customer_ref.create !== false) : undefined;
    const writer = new BookingWriter(client, importId, destinations, customers);
    const progress = startProgress('import bookings', undefined, log);
    let read = 0;
    let blankLines = 0;

    const take = (record: CsvRecord) => {
      if (record.raw.trim() === '') {
        blankLines += 1;
        return;
      }
      read += 1;
      if (record.malformed) {
        writer.reject(record.line, record.raw, { field: null, code: 'malformed_csv', message: `not well-formed CSV: ${record.malformed.replace(/_/g, ' ')}` });
        return;
      }
      const result = bound.convert(record.fields);
      if (result.reject) writer.reject(record.line, record.raw, result.reject);
      else writer.add({ line: record.line, raw: record.raw, booking: result.booking });
    };
    // One batch is written while the next is parsed; a flush waits for the one before it.
    const flush = async () => {
      const previousFlush = inFlight;
      if (previousFlush) await previousFlush;
      const pending = writer.pending;
      const current = writer.flush();
      current.catch(() => undefined);
      inFlight = current;
      progress.add(pending);
    };

    const consume = async (records: CsvRecord[]) => {
      for (const record of records) {
        take(record);
        if (writer.pending >= batchRows) await flush();
      }
    };
    await consume(firstBatch);
    for await (const records of batches) await consume(records);
    await flush();
    await inFlight;
    progress.done();

    const { loaded, rejected, byReason } = writer.counts;
    await client.query(
      `UPDATE imports SET status = 'finished', rows_read = $2, rows_loaded = $3, rows_rejected = $4, finished_at = clock_timestamp() WHERE id = $1`,
      [importId, read, loaded, rejected],
    );
    await client.query('COMMIT');
    const seconds = (performance.now() - started) / 1000;
    const summary: ImportSummary = {
      importId,
      file: path.basename(file),
      sha256,
      status: 'finished',
      read,
      loaded,
      rejected,
      byReason,
      blankLines,
      createdDestinations: destinations?.created ?? [],
      createdCustomers: customers?.created ?? 0,
      seconds: Number(seconds.toFixed(2)),
      rowsPerSecond: Math.round(read / seconds),
    };
    log.info('import finished', { importId, read, loaded, rejected });
    return summary;
  } catch (err) {
    // A batch still being written would go on after ROLLBACK, outside the transaction: let it end first.
    await inFlight?.catch(() => undefined);
    await client.query('ROLLBACK').catch(() => undefined);
    await batches.return(undefined).catch(() => undefined);
    if (importId !== undefined) {
      await pool
        .query(`UPDATE imports SET status = 'failed', finished_at = clock_timestamp() WHERE id = $1`, [importId])
        .catch((e: Error) => log.error('could not mark the import failed', { importId, error: e.message }));
      log.error('import failed; nothing of it was loaded', { importId, error: (err as Error).message });
    }
    throw err;
  } finally {
    client.release();
  }
}
