import type pg from 'pg';
import type { ImportedBooking, Reject, RejectCode } from './booking-row.ts';
import type { CustomerMatcher } from './customer-matcher.ts';
import type { DestinationMatcher } from './destination-matcher.ts';

/**
 * Loads an import's rows in batches, inside the import's transaction: each batch resolves its destinations and
 * customers, then goes in as one multi-row INSERT per table (arrays through unnest: a fixed number of
 * parameters whatever the batch size), with one status-history row per booking. If PostgreSQL refuses a batch
 * for a reason the row checks did not foresee, the batch is retried row by row so that only the offending rows
 * are rejected — with PostgreSQL's message — and every valid one is still loaded.
 */
export interface PendingRow {
  line: number;
  raw: string;
  booking: ImportedBooking;
  /** Set when the batch is written, from the destination and customer the booking names. */
  destinationId?: number | null;
  customerId?: number | null;
}

export interface WriterCounts {
  loaded: number;
  rejected: number;
  byReason: Partial<Record<RejectCode, number>>;
}

/** The columns of a batch, in the order of the statement's parameters ($1 … $n). */
const COLUMNS = [
  ['booked_at', 'timestamptz'],
  ['departure_date', 'date'],
  ['party_size', 'smallint'],
  ['status', 'text'],
  ['channel', 'text'],
  ['country', 'text'],
  ['total_price', 'numeric'],
  ['total_cost', 'numeric'],
  ['currency', 'text'],
  ['destination_id', 'integer'],
  ['customer_id', 'bigint'],
  ['history_reason', 'text'],
  ['status_changed_at', 'timestamptz'],
] as const;
const BOOKING_COLUMNS = COLUMNS.slice(0, 11).map(([c]) => c);
const SOURCE = `$${COLUMNS.length + 1}`;

/**
 * Bookings and their status history in one statement: ids are drawn once per row in a CTE that both inserts read
 * (PostgreSQL evaluates a CTE referenced twice once), so the history points at its booking without a round trip
 * or any reliance on the order of RETURNING.
 */
const INSERT_BOOKINGS = `WITH batch AS (
    SELECT nextval(pg_get_serial_sequence('bookings', 'id')) AS id, r.*
      FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS r(${COLUMNS.map(([c]) => c).join(', ')})
  ), inserted AS (
    INSERT INTO bookings (id, ${BOOKING_COLUMNS.join(', ')}, source)
    SELECT id, ${BOOKING_COLUMNS.join(', ')}, ${SOURCE} FROM batch
  )
  INSERT INTO booking_status_history (booking_id, status, reason, changed_at)
  SELECT id, status, history_reason, coalesce(status_changed_at, booked_at) FROM batch`;

const INSERT_REJECTS = `INSERT INTO import_rejects (import_id, line_number, field, reason, raw_line)
  SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::text[])`;

/** Raw text kept in import_rejects per row: enough to see what was wrong without storing a runaway record whole. */
const MAX_RAW_CHARS = 10_000;

export class BookingWriter {
  readonly counts: WriterCounts = { loaded: 0, rejected: 0, byReason: {} };
  private rows: PendingRow[] = [];
  private rejects: Array<{ line: number; raw: string; reject: Reject }> = [];

  constructor(
    private readonly client: pg.ClientBase,
    private readonly importId: number,
    private readonly destinations: DestinationMatcher | undefined,
    private readonly customers: CustomerMatcher | undefined,
  ) {}

  get pending(): number {
    return this.rows.length + this.rejects.length;
  }

  add(row: PendingRow): void {
    this.rows.push(row);
  }

  reject(line: number, raw: string, reject: Reject): void {
    this.rejects.push({ line, raw, reject });
    this.counts.rejected += 1;
    this.counts.byReason[reject.code] = (this.counts.byReason[reject.code] ?? 0) + 1;
  }

  /** Writes what is pending. Takes the batch at once, so rows added while it runs go to the next flush. */
  async flush(): Promise<void> {
    const rows = this.rows;
    this.rows = [];
    const ready = await this.resolve(rows);
    if (ready.length > 0) await this.insertBookings(ready);
    const rejects = this.rejects;
    this.rejects = [];
    if (rejects.length > 0) {
      await this.client.query(INSERT_REJECTS, [
        this.importId,
        rejects.map((r) => r.line),
        rejects.map((r) => r.reject.field),
        rejects.map((r) => `${r.reject.code}: ${r.reject.message}`),
        rejects.map((r) => storableLine(r.raw)),
      ]);
    }
  }

  /** Destinations first, then customers for the rows still standing: a rejected row creates no customer. */
  private async resolve(rows: PendingRow[]): Promise<PendingRow[]> {
    const placed: PendingRow[] = [];
    for (const row of rows) {
      row.destinationId = null;
      row.customerId = null;
      if (row.booking.destination !== null && this.destinations) {
        const known = this.destinations.known(row.booking.destination);
        const match = known !== undefined ? { id: known } : await this.destinations.resolve(this.client, row.booking.destination);
        if (match.id === undefined) {
          this.reject(row.line, row.raw, { field: 'destination', code: 'unknown_destination', message: match.problem });
          continue;
        }
        row.destinationId = match.id;
      }
      placed.push(row);
    }
    if (!this.customers) return placed;
    const matches = await this.customers.resolve(
      this.client,
      placed.flatMap((r) => (r.booking.customerRef ? [{ ref: r.booking.customerRef, name: r.booking.customerName, country: r.booking.country }] : [])),
    );
    const ready: PendingRow[] = [];
    for (const row of placed) {
      if (row.booking.customerRef !== null) {
        const match = matches.get(row.booking.customerRef)!;
        if (match.id === undefined) {
          this.reject(row.line, row.raw, { field: 'customer_ref', code: match.code, message: match.problem });
          continue;
        }
        row.customerId = match.id;
      }
      ready.push(row);
    }
    return ready;
  }

  private async insertBookings(rows: PendingRow[]): Promise<void> {
    await this.client.query('SAVEPOINT import_batch');
    try {
      await this.insert(rows);
      await this.client.query('RELEASE SAVEPOINT import_batch');
      this.counts.loaded += rows.length;
      return;
    } catch (err) {
      await this.client.query('ROLLBACK TO SAVEPOINT import_batch');
      if (!isDataError(err)) throw err;
    }
    for (const row of rows) {
      await this.client.query('SAVEPOINT import_row');
      try {
        await this.insert([row]);
        await this.client.query('RELEASE SAVEPOINT import_row');
        this.counts.loaded += 1;
      } catch (err) {
        await this.client.query('ROLLBACK TO SAVEPOINT import_row');
        if (!isDataError(err)) throw err;
        this.reject(row.line, row.raw, { field: null, code: 'database_check', message: `PostgreSQL refused the row: ${(err as Error).message}` });
      }
    }
  }

  private async insert(rows: PendingRow[]): Promise<void> {
    const b = rows.map((r) => r.booking);
    // The file gives the status a booking has now, and maybe when it got it. Without that time the booking
    // time stands in (a status can be no older), and the reason says so, so that analyses of when bookings
    // are cancelled can leave these rows out.
    const known = `status at import ${this.importId}`;
    const unknown = `${known}, time unknown`;
    await this.client.query(INSERT_BOOKINGS, [
      b.map((x) => x.bookedAt),
      b.map((x) => x.departureDate),
      b.map((x) => x.partySize),
      b.map((x) => x.status),
      b.map((x) => x.channel),
      b.map((x) => x.country),
      b.map((x) => x.totalPrice),
      b.map((x) => x.totalCost),
      b.map((x) => x.currency),
      rows.map((r) => r.destinationId ?? null),
      rows.map((r) => r.customerId ?? null),
      b.map((x) => (x.statusChangedAt ? known : unknown)),
      b.map((x) => x.statusChangedAt),
      `import:${this.importId}`,
    ]);
  }
}

/** Errors about the data (classes 22 and 23: bad value, constraint), as opposed to a lost connection. */
function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/**
 * A rejected line as it can be stored: cut at MAX_RAW_CHARS, and each NUL (U+0000, which PostgreSQL text cannot
 * hold) written as the six characters \u0000, so the line that explains a reject cannot fail the import itself.
 */
function storableLine(raw: string): string {
  const line = raw.replaceAll('\u0000', '\\u0000');
  return line.length > MAX_RAW_CHARS ? line.slice(0, MAX_RAW_CHARS) + '…' : line;
}
