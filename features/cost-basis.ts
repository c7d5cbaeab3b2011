/**
 * The cost basis of a quotation, split by component kind (hotel, transport, guide, service).
 *
 * What a quotation cost us is known exactly at the time (its cost_total); how that cost divides between hotels,
 * transport, guides and services is read from the itinerary's components priced for the party: rooms of the
 * component's occupancy, vehicles of its seats, one guide per 16 travellers, per night where there are nights.
 * This is a simpler costing than the quotation engine's (no fleet mix, no guide languages, no operational lines),
 * used only for the split: the amounts are each kind's share × the quotation's own cost_total. Components have no
 * price history in the warehouse, so applying today's shares to a past cost_total keeps the features in that
 * quotation's money while the split stays close (shares move far less than prices).
 */
export const PAX_PER_GUIDE = 16;

/**
 * When a caller has no cost for a new quotation, an estimate: direct costs plus the quotation engine's default
 * operational costs (6% and USD 12 per traveller). The response says the cost was estimated.
 */
export const ESTIMATED_OPERATIONAL_RATE = 0.06;
export const ESTIMATED_OPERATIONAL_PER_PAX = 12;

/** An itinerary component as the catalogue holds it (itinerary_components). */
export interface CostedComponent {
  kind: string;
  unit: string;
  unitCost: number;
  unitCapacity: number | null;
  nights: number;
}

/** The cost of a component for a party of `pax` travellers: componentCostSql, for what serving holds in memory. */
export function componentCost(c: CostedComponent, pax: number): number {
  const units =
    c.unit === 'per_person' ? pax
    : c.unit === 'per_room' ? Math.ceil(pax / (c.unitCapacity ?? 2))
    : c.unit === 'per_vehicle' ? Math.ceil(pax / (c.unitCapacity ?? pax))
    : c.kind === 'guide' ? Math.ceil(pax / PAX_PER_GUIDE)
    : 1;
  return c.unitCost * units * Math.max(c.nights, 1);
}

/** SQL: the cost of component `c` (an itinerary_components row) for a party of `pax` travellers. */
export function componentCostSql(c: string, pax: string): string {
  return `toFloat64(${c}.unit_cost) * multiIf(
      ${c}.unit = 'per_person', toFloat64(${pax}),
      ${c}.unit = 'per_room', ceil(${pax} / toFloat64(coalesce(${c}.unit_capacity, 2))),
      ${c}.unit = 'per_vehicle', ceil(${pax} / toFloat64(coalesce(${c}.unit_capacity, ${pax}))),
      ${c}.kind = 'guide', ceil(${pax} / ${PAX_PER_GUIDE}),
      1) * greatest(${c}.nights, 1)`;
}
