/**
 * The tables the generator fills and the columns it writes, in COPY order. Naming the columns keeps the load
 * working when a later migration adds a column with a default.
 */
export const TABLE_COLUMNS = {
  destinations: ['id', 'code', 'name', 'country', 'region', 'popularity', 'created_at', 'updated_at'],
  itineraries: ['id', 'code', 'name', 'destination_id', 'duration_days', 'service_level', 'themes', 'active', 'created_at', 'updated_at'],
  itinerary_components: ['id', 'itinerary_id', 'kind', 'name', 'day_number', 'nights', 'unit', 'unit_cost', 'unit_capacity', 'currency', 'created_at', 'updated_at'],
  departures: ['id', 'itinerary_id', 'departure_date', 'capacity', 'seats_sold', 'status', 'created_at', 'updated_at'],
  customers: ['id', 'external_ref', 'name', 'email', 'country', 'language', 'customer_type', 'created_at', 'updated_at'],
  customer_group_profiles: ['customer_id', 'group_size', 'adults', 'children', 'seniors', 'ages', 'special_needs', 'preferences', 'created_at', 'updated_at'],
  quotations: ['id', 'customer_id', 'itinerary_id', 'departure_id', 'departure_date', 'party_size', 'channel', 'status', 'current_version', 'cost_total', 'price_total', 'currency', 'quoted_at', 'created_at', 'updated_at'],
  quotation_versions: ['quotation_id', 'version', 'cost_total', 'price_total', 'currency', 'price_source', 'changed_by', 'change_reason', 'created_at', 'updated_at'],
  bookings: ['id', 'quotation_id', 'customer_id', 'itinerary_id', 'departure_id', 'destination_id', 'departure_date', 'party_size', 'status', 'channel', 'country', 'total_price', 'total_cost', 'currency', 'booked_at', 'source', 'created_at', 'updated_at'],
  booking_status_history: ['id', 'booking_id', 'status', 'reason', 'changed_at', 'created_at', 'updated_at'],
  payments: ['id', 'booking_id', 'amount', 'currency', 'method', 'status', 'paid_at', 'created_at', 'updated_at'],
  ratings: ['id', 'booking_id', 'customer_id', 'itinerary_id', 'score', 'comment', 'rated_at', 'created_at', 'updated_at'],
} as const;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLES = Object.keys(TABLE_COLUMNS) as TableName[];

/**
 * Rows in COPY text form (each ending in a newline), gathered per table until they are sent. Each row is encoded
 * into a byte buffer as soon as it is added: a row kept as a JavaScript string is a tree of concatenations that
 * every young-generation collection would copy again, which cost more than generating it.
 */
const CHUNK_BYTES = 1 << 20;

class TableRows {
  readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  count = 0;

  add(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (this.used + line.length * 3 > this.current.length) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, line.length * 3));
    }
    this.used += this.current.write(line, this.used, 'utf8');
    this.count++;
  }

  /** The encoded rows, in order. */
  buffers(): Buffer[] {
    this.seal();
    return this.chunks;
  }

  private seal(): void {
    if (this.used > 0) this.chunks.push(this.current.subarray(0, this.used));
    this.current = Buffer.allocUnsafe(0);
    this.used = 0;
  }
}

export class RowBatch {
  readonly tables = new Map<TableName, TableRows>();
  lines = 0;

  add(table: TableName, line: string): void {
    let rows = this.tables.get(table);
    if (!rows) this.tables.set(table, (rows = new TableRows()));
    rows.add(line);
    this.lines++;
  }
}
