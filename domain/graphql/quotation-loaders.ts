import DataLoader from 'dataloader';
import type pg from 'pg';

/**
 * Everything a quotation links to, loaded in batches: one DataLoader per relation, made per request, so a page
 * of quotations costs one query per relation asked for whatever its size (no N+1), and a thing asked for twice in
 * one request is read once. Rows come straight from the quotation engine's tables (domain/migrations 002, 020).
 */
export interface QuotationRow {
  id: number;
  status: string;
  channel: string;
  customerId: number;
  itineraryId: number;
  departureId: number | null;
  departureDate: string;
  partySize: number;
  currency: string;
  version: number;
  quotedAt: string;
  priceTotal: number;
  costTotal: number;
}

export interface ItineraryRow {
  id: number;
  code: string;
  name: string;
  destination: string;
  serviceLevel: string;
  durationDays: number;
}

export interface LineRow {
  lineNo: number;
  kind: string;
  name: string;
  dayNumber: number | null;
  unit: string;
  nights: number;
  quantity: number;
  unitCost: number;
  amount: number;
  detail: string;
  /** The version's guide language. */
  language: string;
}

export interface VersionRow {
  version: number;
  priceTotal: number;
  costTotal: number;
  priceSource: string;
  changedBy: string;
  changeReason: string | null;
  at: string;
}

export interface DepartureRow {
  id: number;
  departureDate: string;
  capacity: number;
  seatsSold: number;
  status: string;
}

export interface BookingRow {
  id: number;
  quotationId: number;
  status: string;
  partySize: number;
  totalPrice: number;
  totalCost: number | null;
  currency: string;
  bookedAt: string;
}

/** The columns of a quotation, shared by the page query and the loader by id. */
export const QUOTATION_COLUMNS = `q.id, q.status, q.channel, q.customer_id, q.itinerary_id, q.departure_id, q.departure_date::text AS departure_date,
  q.party_size, q.currency, q.current_version, q.quoted_at, q.price_total::float8 AS price_total, q.cost_total::float8 AS cost_total`;

export function quotationOf(r: Record<string, any>): QuotationRow {
  return {
    id: Number(r.id),
    status: r.status,
    channel: r.channel,
    customerId: Number(r.customer_id),
    itineraryId: r.itinerary_id,
    departureId: r.departure_id,
    departureDate: r.departure_date,
    partySize: r.party_size,
    currency: String(r.currency).trim(),
    version: r.current_version,
    quotedAt: (r.quoted_at as Date).toISOString(),
    priceTotal: r.price_total,
    costTotal: r.cost_total,
  };
}

export interface QuotationLoaders {
  quotation: DataLoader<number, QuotationRow | null>;
  itinerary: DataLoader<number, ItineraryRow | null>;
  /** Key `quotationId:version`: every line of that version, for all item fields at once. */
  lines: DataLoader<string, LineRow[]>;
  versions: DataLoader<number, VersionRow[]>;
  departure: DataLoader<number, DepartureRow | null>;
  bookingOfQuotation: DataLoader<number, BookingRow | null>;
}

type Db = Pick<pg.Pool, 'query'>;

function byKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): Array<R | null> {
  const found = new Map<K, R>();
  for (const row of rows) found.set(keyOf(row), row);
  return keys.map((k) => found.get(k) ?? null);
}

function groupedBy<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const groups = new Map<K, R[]>();
  for (const row of rows) {
    const k = keyOf(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

export function quotationLoaders(db: Db): QuotationLoaders {
  return {
    quotation: new DataLoader(async (ids) => {
      const { rows } = await db.query(`SELECT ${QUOTATION_COLUMNS} FROM quotations q WHERE q.id = ANY($1::bigint[])`, [ids]);
      return byKey(ids, rows.map(quotationOf), (r) => r.id);
    }),
    itinerary: new DataLoader(async (ids) => {
      const { rows } = await db.query(
        `SELECT i.id, i.code, i.name, d.name AS destination, i.service_level::text AS service_level, i.duration_days
           FROM itineraries i JOIN destinations d ON d.id = i.destination_id WHERE i.id = ANY($1::int[])`,
        [ids],
      );
      const itineraries = rows.map((r): ItineraryRow => ({ id: r.id, code: r.code, name: r.name, destination: r.destination, serviceLevel: r.service_level, durationDays: r.duration_days }));
      return byKey(ids, itineraries, (r) => r.id);
    }),
    lines: new DataLoader(async (keys) => {
      const pairs = keys.map((k) => k.split(':').map(Number));
      const { rows } = await db.query(
        `SELECT l.quotation_id, l.version, l.line_no, l.kind, l.name, l.day_number, l.unit, l.nights, l.quantity::float8 AS quantity,
                l.catalogue_unit_cost::float8 AS unit_cost, l.amount::float8 AS amount, l.detail, vd.language
           FROM unnest($1::bigint[], $2::int[]) AS k(quotation_id, version)
           JOIN quotation_version_lines l ON l.quotation_id = k.quotation_id AND l.version = k.version
           JOIN quotation_version_details vd ON vd.quotation_id = l.quotation_id AND vd.version = l.version
          ORDER BY l.quotation_id, l.version, l.line_no`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      return groupedBy(
        keys,
        rows.map((r) => ({
          key: `${r.quotation_id}:${r.version}`,
          line: {
            lineNo: r.line_no, kind: r.kind, name: r.name, dayNumber: r.day_number, unit: r.unit, nights: r.nights, quantity: r.quantity,
            unitCost: r.unit_cost, amount: r.amount, detail: r.detail, language: r.language,
          } satisfies LineRow,
        })),
        (r) => r.key,
      ).map((group) => group.map((g) => g.line));
    }),
    versions: new DataLoader(async (ids) => {
      const { rows } = await db.query(
        `SELECT quotation_id, version, price_total::float8 AS price_total, cost_total::float8 AS cost_total, price_source, changed_by, change_reason, created_at
           FROM quotation_versions WHERE quotation_id = ANY($1::bigint[]) ORDER BY quotation_id, version`,
        [ids],
      );
      return groupedBy(
        ids,
        rows.map((r) => ({
          quotationId: Number(r.quotation_id),
          version: {
            version: r.version, priceTotal: r.price_total, costTotal: r.cost_total, priceSource: r.price_source, changedBy: r.changed_by,
            changeReason: r.change_reason, at: (r.created_at as Date).toISOString(),
          } satisfies VersionRow,
        })),
        (r) => r.quotationId,
      ).map((group) => group.map((g) => g.version));
    }),
    departure: new DataLoader(async (ids) => {
      const { rows } = await db.query(
        `SELECT id, departure_date::text AS departure_date, capacity, seats_sold, status FROM departures WHERE id = ANY($1::int[])`,
        [ids],
      );
      const departures = rows.map((r): DepartureRow => ({ id: r.id, departureDate: r.departure_date, capacity: r.capacity, seatsSold: r.seats_sold, status: r.status }));
      return byKey(ids, departures, (r) => r.id);
    }),
    bookingOfQuotation: new DataLoader(async (ids) => {
      // A quotation is converted once; should two bookings name it, the latest is the one that stands.
      const { rows } = await db.query(
        `SELECT DISTINCT ON (quotation_id) id, quotation_id, status, party_size, total_price::float8 AS total_price, total_cost::float8 AS total_cost,
                currency, booked_at
           FROM bookings WHERE quotation_id = ANY($1::bigint[]) ORDER BY quotation_id, booked_at DESC, id DESC`,
        [ids],
      );
      const bookings = rows.map((r): BookingRow => ({
        id: Number(r.id), quotationId: Number(r.quotation_id), status: r.status, partySize: r.party_size, totalPrice: r.total_price,
        totalCost: r.total_cost, currency: String(r.currency).trim(), bookedAt: (r.booked_at as Date).toISOString(),
      }));
      return byKey(ids, bookings, (r) => r.quotationId);
    }),
  };
}
