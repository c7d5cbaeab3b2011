import type pg from 'pg';
import { NotFoundError } from '../../platform/errors.ts';
import { hashMemberToken, MEMBER_TOKEN_PREFIX } from './quotation-members.ts';

/**
 * What one member of a group sees, reached with their personal token: the trip, what is included, and their own
 * price. Never the group's total, our costs, or anything about the other members — the query only reads the
 * member's own share row, so there is nothing else to leak.
 */
export interface MemberQuotation {
  quotationId: number;
  version: number;
  status: string;
  itinerary: string;
  destination: string;
  departureDate: string;
  currency: string;
  member: { name: string; price: number; roomShared: boolean | null };
  /** What the trip includes, without amounts. */
  included: string[];
}

export async function memberQuotation(db: pg.Pool | pg.PoolClient, token: string): Promise<MemberQuotation> {
  const unknown = () => new NotFoundError('this quotation link is not valid (or the member was removed from the group)', 'token');
  if (typeof token !== 'string' || !token.startsWith(MEMBER_TOKEN_PREFIX)) throw unknown();
  const { rows } = await db.query(
    `SELECT q.id, q.current_version, q.status, q.departure_date::text AS departure_date, q.currency, i.name AS itinerary, d.name AS destination,
            m.name AS member_name, s.price_share::float8 AS price_share, s.room_no,
            (SELECT count(*) FROM quotation_member_shares o WHERE o.quotation_id = s.quotation_id AND o.version = s.version AND o.room_no = s.room_no) AS room_size
       FROM quotation_members m
       JOIN quotations q ON q.id = m.quotation_id
       JOIN itineraries i ON i.id = q.itinerary_id
       JOIN destinations d ON d.id = i.destination_id
       JOIN quotation_member_shares s ON s.member_id = m.id AND s.quotation_id = q.id AND s.version = q.current_version
      WHERE m.access_token_hash = $1 AND m.removed_at IS NULL`,
    [hashMemberToken(token)],
  );
  if (rows.length === 0) throw unknown();
  const r = rows[0];
  const included = await db.query<{ name: string }>(
    `SELECT name FROM quotation_version_lines WHERE quotation_id = $1 AND version = $2 AND kind <> 'operational' ORDER BY line_no`,
    [r.id, r.current_version],
  );
  return {
    quotationId: Number(r.id),
    version: r.current_version,
    status: r.status,
    itinerary: r.itinerary,
    destination: r.destination,
    departureDate: r.departure_date,
    currency: r.currency.trim(),
    member: { name: r.member_name, price: r.price_share, roomShared: r.room_no === null ? null : Number(r.room_size) > 1 },
    included: included.rows.map((l) => l.name),
  };
}
