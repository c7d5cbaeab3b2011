import type pg from 'pg';
import { NotFoundError } from '../../platform/errors.ts';
import type { Costing } from './costing.ts';
import { priceShares } from './member-shares.ts';
import type { RoomPlan } from './room-split.ts';

/**
 * Writing the history of a quotation. A version is written once, whole — the summary row in
 * quotation_versions, how it was costed, its price table and each member's share — and never changed
 * (the detail tables refuse updates). A new price is a new version.
 */
export type PriceSource = 'cost_plus' | 'cost_plus_fallback' | 'model' | 'override';

export interface PriceTableRow {
  minPax: number;
  maxPax: number | null;
  pricedAtPax: number;
  costPerPax: number;
  pricePerPax: number;
  priceSource: PriceSource;
  modelVersion: string | null;
}

export interface NewVersion {
  quotationId: number;
  version: number;
  partySize: number;
  departureDate: string;
  language: string;
  roomPlan: RoomPlan | null;
  componentsSource: 'itinerary' | 'custom';
  costing: Costing;
  priceTotal: number;
  priceSource: PriceSource;
  changedBy: string;
  changeReason: string | null;
  fallbackReason: string | null;
  costPlusMarkup: number;
  priceTable: PriceTableRow[];
  /** Members by traveller index; empty for a quotation without named members. */
  members: Array<{ id: number; travellerIndex: number }>;
}

function roomOf(plan: RoomPlan | null, traveller: number): number | null {
  if (!plan) return null;
  const room = plan.findIndex((r) => r.includes(traveller));
  return room < 0 ? null : room + 1;
}

export async function writeVersion(client: pg.PoolClient, v: NewVersion): Promise<void> {
  const { costing } = v;
  await client.query(
    `INSERT INTO quotation_versions (quotation_id, version, cost_total, price_total, currency, price_source, changed_by, change_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [v.quotationId, v.version, costing.costTotal, v.priceTotal, costing.currency, v.priceSource, v.changedBy, v.changeReason],
  );
  await client.query(
    `INSERT INTO quotation_version_details (quotation_id, version, party_size, departure_date, language, room_plan, components_source,
                                            direct_cost, operational_cost, fallback_used, fallback_reason, cost_plus_markup)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      v.quotationId, v.version, v.partySize, v.departureDate, v.language, v.roomPlan === null ? null : JSON.stringify(v.roomPlan),
      v.componentsSource, costing.directCost, costing.operationalCost, v.fallbackReason !== null, v.fallbackReason, v.costPlusMarkup,
    ],
  );
  const lines = costing.lines;
  await client.query(
    `INSERT INTO quotation_version_lines (quotation_id, version, line_no, component_id, kind, name, day_number, unit, nights, unit_capacity,
                                          catalogue_unit_cost, quantity, unit_cost, amount, detail)
     SELECT $1, $2, n, component_id, kind, name, day_number, unit, nights, unit_capacity, catalogue_unit_cost, quantity, unit_cost, amount, detail
       FROM unnest($3::int[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::smallint[], $9::smallint[], $10::numeric[],
                   $11::numeric[], $12::numeric[], $13::numeric[], $14::text[])
            WITH ORDINALITY AS l(component_id, kind, name, day_number, unit, nights, unit_capacity, catalogue_unit_cost, quantity, unit_cost, amount, detail, n)`,
    [
      v.quotationId, v.version,
      lines.map((l) => l.componentId), lines.map((l) => l.kind), lines.map((l) => l.name), lines.map((l) => l.dayNumber), lines.map((l) => l.unit),
      lines.map((l) => l.component?.nights ?? 0), lines.map((l) => l.component?.unitCapacity ?? null), lines.map((l) => l.component?.unitCost ?? l.unitCost),
      lines.map((l) => l.quantity), lines.map((l) => l.unitCost), lines.map((l) => l.amount), lines.map((l) => l.detail),
    ],
  );
  await insertPriceTable(client, v.quotationId, v.version, v.priceTable);
  if (v.members.length > 0) {
    const shares = priceShares(costing.travellerCosts, v.priceTotal);
    await insertShares(
      client, v.quotationId, v.version,
      v.members.map((m) => ({ memberId: m.id, travellerIndex: m.travellerIndex, roomNo: roomOf(v.roomPlan, m.travellerIndex), costShare: costing.travellerCosts[m.travellerIndex], priceShare: shares[m.travellerIndex] })),
    );
  }
}

async function insertPriceTable(client: pg.PoolClient, quotationId: number, version: number, rows: PriceTableRow[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO quotation_price_tables (quotation_id, version, min_pax, max_pax, priced_at_pax, cost_per_pax, price_per_pax, price_source, model_version)
     SELECT $1, $2, * FROM unnest($3::smallint[], $4::smallint[], $5::smallint[], $6::numeric[], $7::numeric[], $8::text[], $9::text[])`,
    [
      quotationId, version, rows.map((r) => r.minPax), rows.map((r) => r.maxPax), rows.map((r) => r.pricedAtPax), rows.map((r) => r.costPerPax),
      rows.map((r) => r.pricePerPax), rows.map((r) => r.priceSource), rows.map((r) => r.modelVersion),
    ],
  );
}

interface ShareRow {
  memberId: number;
  travellerIndex: number;
  roomNo: number | null;
  costShare: number;
  priceShare: number;
}

async function insertShares(client: pg.PoolClient, quotationId: number, version: number, rows: ShareRow[]): Promise<void> {
  await client.query(
    `INSERT INTO quotation_member_shares (quotation_id, version, member_id, traveller_index, room_no, cost_share, price_share)
     SELECT $1, $2, * FROM unnest($3::bigint[], $4::smallint[], $5::smallint[], $6::numeric[], $7::numeric[])`,
    [quotationId, version, rows.map((r) => r.memberId), rows.map((r) => r.travellerIndex), rows.map((r) => r.roomNo), rows.map((r) => r.costShare), rows.map((r) => r.priceShare)],
  );
}

export interface CurrentVersion {
  quotationId: number;
  version: number;
  status: string;
  costTotal: number;
  priceTotal: number;
}

/** Locks the quotation row for the rest of the transaction, so two changes cannot both write version n+1. */
export async function lockQuotation(client: pg.PoolClient, quotationId: number): Promise<CurrentVersion> {
  const { rows } = await client.query(
    'SELECT id, current_version, status, cost_total::float8 AS cost_total, price_total::float8 AS price_total FROM quotations WHERE id = $1 FOR UPDATE',
    [quotationId],
  );
  if (rows.length === 0) throw new NotFoundError(`there is no quotation with id ${quotationId}`, 'quotationId');
  const r = rows[0];
  return { quotationId: Number(r.id), version: r.current_version, status: r.status, costTotal: r.cost_total, priceTotal: r.price_total };
}

/**
 * A new version that only changes the price (a decision on a suggestion): same costing, the members' shares split
 * again over their costs, and the price table moved once.
 * - Rows the model priced already hold the model's own (guardrailed) price for their group size: they move by the
 *   decision's ratio to the suggestion it decides on (`suggestedTotal`), so an accepted suggestion leaves them as
 *   they are and an override moves them as far from the model as it moved the total. Moving them by the ratio to
 *   the previous total would apply the model's change twice.
 * - Every other row (cost-plus, an earlier override) moves by the same ratio as the total.
 * A row moved by a ratio other than 1 takes the decision's source.
 */
export async function writePriceVersion(
  client: pg.PoolClient,
  from: CurrentVersion,
  change: { priceTotal: number; priceSource: PriceSource; changedBy: string; changeReason: string; suggestedTotal: number },
): Promise<number> {
  const { quotationId } = from;
  const version = from.version + 1;
  const ratio = from.priceTotal > 0 ? change.priceTotal / from.priceTotal : 1;
  const modelRatio = change.suggestedTotal > 0 ? change.priceTotal / change.suggestedTotal : ratio;
  await client.query(
    `INSERT INTO quotation_versions (quotation_id, version, cost_total, price_total, currency, price_source, changed_by, change_reason)
     SELECT quotation_id, $3, cost_total, $4, currency, $5, $6, $7 FROM quotation_versions WHERE quotation_id = $1 AND version = $2`,
    [quotationId, from.version, version, change.priceTotal, change.priceSource, change.changedBy, change.changeReason],
  );
  await client.query(
    `INSERT INTO quotation_version_details (quotation_id, version, party_size, departure_date, language, room_plan, components_source,
                                            direct_cost, operational_cost, fallback_used, fallback_reason, cost_plus_markup)
     SELECT quotation_id, $3, party_size, departure_date, language, room_plan, components_source, direct_cost, operational_cost, false, NULL, cost_plus_markup
       FROM quotation_version_details WHERE quotation_id = $1 AND version = $2`,
    [quotationId, from.version, version],
  );
  await client.query(
    `INSERT INTO quotation_version_lines (quotation_id, version, line_no, component_id, kind, name, day_number, unit, nights, unit_capacity,
                                          catalogue_unit_cost, quantity, unit_cost, amount, detail)
     SELECT quotation_id, $3, line_no, component_id, kind, name, day_number, unit, nights, unit_capacity, catalogue_unit_cost, quantity, unit_cost, amount, detail
       FROM quotation_version_lines WHERE quotation_id = $1 AND version = $2`,
    [quotationId, from.version, version],
  );
  await client.query(
    `INSERT INTO quotation_price_tables (quotation_id, version, min_pax, max_pax, priced_at_pax, cost_per_pax, price_per_pax, price_source, model_version)
     SELECT quotation_id, $3, min_pax, max_pax, priced_at_pax, cost_per_pax, round(price_per_pax * moved.by, 2),
            CASE WHEN moved.by = 1 THEN price_source ELSE $5::text END, model_version
       FROM quotation_price_tables,
            LATERAL (SELECT CASE WHEN price_source = 'model' THEN $6::numeric ELSE $4::numeric END AS by) AS moved
      WHERE quotation_id = $1 AND version = $2`,
    [quotationId, from.version, version, ratio, change.priceSource, modelRatio],
  );
  const previous = await client.query(
    `SELECT member_id, traveller_index, room_no, cost_share::float8 AS cost_share FROM quotation_member_shares
      WHERE quotation_id = $1 AND version = $2 ORDER BY traveller_index`,
    [quotationId, from.version],
  );
  if (previous.rows.length > 0) {
    const shares = priceShares(previous.rows.map((r) => r.cost_share), change.priceTotal);
    await insertShares(
      client, quotationId, version,
      previous.rows.map((r, i) => ({ memberId: Number(r.member_id), travellerIndex: r.traveller_index, roomNo: r.room_no, costShare: r.cost_share, priceShare: shares[i] })),
    );
  }
  await client.query('UPDATE quotations SET current_version = $2, price_total = $3 WHERE id = $1', [quotationId, version, change.priceTotal]);
  return version;
}
