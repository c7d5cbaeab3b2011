import type pg from 'pg';
import { TABLE_COLUMNS, TABLES, type TableName } from './tables.ts';

/**
 * An md5 per generated table over the generated columns, rows in key order: two databases hold the same world
 * exactly when every checksum matches. The session must use the same TimeZone (openPostgres pins UTC).
 */
const ORDER: Record<TableName, string> = {
  destinations: 'id',
  itineraries: 'id',
  itinerary_components: 'id',
  departures: 'id',
  customers: 'id',
  customer_group_profiles: 'customer_id',
  quotations: 'id',
  quotation_versions: 'quotation_id, version',
  bookings: 'id',
  booking_status_history: 'id',
  payments: 'id',
  ratings: 'id',
};

export async function tableChecksums(pool: pg.Pool): Promise<Record<TableName, string>> {
  const out = {} as Record<TableName, string>;
  for (const table of TABLES) {
    const columns = TABLE_COLUMNS[table].join(', ');
    const { rows } = await pool.query<{ md5: string | null }>(
      `SELECT md5(string_agg(r::text, E'\\n' ORDER BY ${ORDER[table]})) AS md5 FROM (SELECT ${columns} FROM ${table}) r`,
    );
    out[table] = rows[0].md5 ?? 'empty';
  }
  return out;
}
