import type pg from 'pg';
import { NotFoundError } from '../../platform/errors.ts';

/**
 * The staff's view of a quotation: the current version with its costing, price table and members' shares, and
 * the whole price history (every version, who made it, why, where the price came from). Members never get this
 * view; they get member-view.ts.
 */
export interface QuotationView {
  id: number;
  status: string;
  customerId: number;
  itinerary: { id: number; code: string; name: string; destination: string; serviceLevel: string };
  departureDate: string;
  partySize: number;
  currency: string;
  version: number;
  costTotal: number;
  priceTotal: number;
  priceSource: string;
  language: string;
  fallback: { used: boolean; reason: string | null };
  lines: Array<{ lineNo: number; kind: string; name: string; dayNumber: number | null; unit: string; quantity: number; unitCost: number; amount: number; detail: string }>;
  priceTable: Array<{ minPax: number; maxPax: number | null; pricedAtPax: number; costPerPax: number; pricePerPax: number; priceSource: string }>;
  members: Array<{ id: number; name: string; travellerIndex: number; roomNo: number | null; costShare: number; priceShare: number }>;
  history: Array<{ version: number; costTotal: number; priceTotal: number; priceSource: string; changedBy: string; changeReason: string | null; at: string }>;
}

type Db = pg.Pool | pg.PoolClient;

export async function readQuotation(db: Db, quotationId: number): Promise<QuotationView> {
  const head = await db.query(
    `SELECT q.id, q.status, q.customer_id, q.departure_date::text AS departure_date, q.party_size, q.currency, q.current_version,
            q.cost_total::float8 AS cost_total, q.price_total::float8 AS price_total, v.price_source,
            i.id AS itinerary_id, i.code, i.name, d.name AS destination, i.service_level::text AS service_level,
            vd.language, coalesce(vd.fallback_used, false) AS fallback_used, vd.fallback_reason
       FROM quotations q
       JOIN itineraries i ON i.id = q.itinerary_id
       JOIN destinations d ON d.id = i.destination_id
       JOIN quotation_versions v ON v.quotation_id = q.id AND v.version = q.current_version
       LEFT JOIN quotation_version_details vd ON vd.quotation_id = q.id AND vd.version = q.current_version
      WHERE q.id = $1`,
    [quotationId],
  );
  if (head.rows.length === 0) throw new NotFoundError(`there is no quotation with id ${quotationId}`, 'quotationId');
  const h = head.rows[0];
  const version = h.current_version;
  const [lines, table, members, history] = await Promise.all([
    db.query(
      `SELECT line_no, kind, name, day_number, unit, quantity::float8 AS quantity, unit_cost::float8 AS unit_cost, amount::float8 AS amount, detail
         FROM quotation_version_lines WHERE quotation_id = $1 AND version = $2 ORDER BY line_no`,
      [quotationId, version],
    ),
    db.query(
      `SELECT min_pax, max_pax, priced_at_pax, cost_per_pax::float8 AS cost_per_pax, price_per_pax::float8 AS price_per_pax, price_source
         FROM quotation_price_tables WHERE quotation_id = $1 AND version = $2 ORDER BY min_pax`,
      [quotationId, version],
    ),
    db.query(
      `SELECT m.id, m.name, s.traveller_index, s.room_no, s.cost_share::float8 AS cost_share, s.price_share::float8 AS price_share
         FROM quotation_member_shares s JOIN quotation_members m ON m.id = s.member_id
        WHERE s.quotation_id = $1 AND s.version = $2 ORDER BY s.traveller_index`,
      [quotationId, version],
    ),
    db.query(
      `SELECT version, cost_total::float8 AS cost_total, price_total::float8 AS price_total, price_source, changed_by, change_reason, created_at
         FROM quotation_versions WHERE quotation_id = $1 ORDER BY version`,
      [quotationId],
    ),
  ]);
  return {
    id: Number(h.id),
    status: h.status,
    customerId: Number(h.customer_id),
    itinerary: { id: h.itinerary_id, code: h.code, name: h.name, destination: h.destination, serviceLevel: h.service_level },
    departureDate: h.departure_date,
    partySize: h.party_size,
    currency: h.currency.trim(),
    version,
    costTotal: h.cost_total,
    priceTotal: h.price_total,
    priceSource: h.price_source,
    language: h.language,
    fallback: { used: h.fallback_used, reason: h.fallback_reason },
    lines: lines.rows.map((r) => ({
      lineNo: r.line_no, kind: r.kind, name: r.name, dayNumber: r.day_number, unit: r.unit, quantity: r.quantity, unitCost: r.unit_cost, amount: r.amount, detail: r.detail,
    })),
    priceTable: table.rows.map((r) => ({
      minPax: r.min_pax, maxPax: r.max_pax, pricedAtPax: r.priced_at_pax, costPerPax: r.cost_per_pax, pricePerPax: r.price_per_pax, priceSource: r.price_source,
    })),
    members: members.rows.map((r) => ({
      id: Number(r.id), name: r.name, travellerIndex: r.traveller_index, roomNo: r.room_no, costShare: r.cost_share, priceShare: r.price_share,
    })),
    history: history.rows.map((r) => ({
      version: r.version, costTotal: r.cost_total, priceTotal: r.price_total, priceSource: r.price_source, changedBy: r.changed_by,
      changeReason: r.change_reason, at: (r.created_at as Date).toISOString(),
    })),
  };
}
