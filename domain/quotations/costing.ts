import { InputError } from '../../platform/errors.ts';
import { planGuides, DEFAULT_PAX_PER_GUIDE, type GuideLanguageRates } from './guide-plan.ts';
import { checkRoomPlan, defaultRoomPlan, describeRooms, type RoomPlan } from './room-split.ts';
import { DEFAULT_FLEET, DEFAULT_VEHICLE_COST_EXPONENT, describeVehicles, planVehicles, type VehicleClass } from './vehicle-plan.ts';

/**
 * What a quotation costs us for one travelling group: every component of the itinerary priced for the group
 * (rooms by the room split, vehicles by group size, guides by language and group size), then operational costs.
 * Pure: the catalogue and the rules come in, the costing goes out, with each traveller's part of every line so
 * that a member of the group can be shown their own share (see member-shares.ts).
 */
export type ComponentKind = 'hotel' | 'transport' | 'guide' | 'service';
export type CostUnit = 'per_person' | 'per_room' | 'per_vehicle' | 'per_group';
export const COMPONENT_KINDS: readonly ComponentKind[] = ['hotel', 'transport', 'guide', 'service'];
export const COST_UNITS: readonly CostUnit[] = ['per_person', 'per_room', 'per_vehicle', 'per_group'];

export interface CostComponent {
  /** The catalogue row, or null for a component added to a custom quotation. */
  componentId: number | null;
  kind: ComponentKind;
  name: string;
  dayNumber: number;
  /** Nights for a hotel (the unit cost is per night); 0 for a one-off service. */
  nights: number;
  unit: CostUnit;
  unitCost: number;
  /** Seats of the reference vehicle (per_vehicle) or beds of a room (per_room). */
  unitCapacity: number | null;
  currency: string;
}

export interface TravellingGroup {
  partySize: number;
  /** Language the guide must speak (ISO 639-1). */
  language: string;
  /** Who shares a room, chosen by the group; otherwise travellers fill each hotel's rooms in order. */
  rooms?: RoomPlan;
}

export interface CostingRules {
  currency: string;
  guideLanguageRates: GuideLanguageRates;
  paxPerGuide: number;
  fleet: readonly VehicleClass[];
  vehicleCostExponent: number;
  /** Office, payment fees and claims reserve, as a fraction of direct costs. */
  operationalRate: number;
  /** Travel insurance and 24-hour assistance, per traveller. */
  operationalPerPax: number;
}

export const DEFAULT_COSTING_RULES: Omit<CostingRules, 'guideLanguageRates'> = {
  currency: 'USD',
  paxPerGuide: DEFAULT_PAX_PER_GUIDE,
  fleet: DEFAULT_FLEET,
  vehicleCostExponent: DEFAULT_VEHICLE_COST_EXPONENT,
  operationalRate: 0.06,
  operationalPerPax: 12,
};

export interface CostLine {
  /** The component as costed (null for the operational line), so a version can be costed again from its lines. */
  component: CostComponent | null;
  componentId: number | null;
  kind: ComponentKind | 'operational';
  name: string;
  dayNumber: number | null;
  unit: CostUnit | 'per_quotation';
  /** Rooms, vehicles, guides, travellers or 1: what unitCost is multiplied by (and by nights, for hotels). */
  quantity: number;
  unitCost: number;
  amount: number;
  /** How the quantity was reached, e.g. "2 double + 1 single × 3 nights" or "1 minibus (20 seats)". */
  detail: string;
  /** Each traveller's part of the amount (index = traveller); sums to amount. */
  perTraveller: number[];
}

export interface Costing {
  partySize: number;
  currency: string;
  lines: CostLine[];
  directCost: number;
  operationalCost: number;
  costTotal: number;
  /** What each traveller costs us, all lines included; sums to costTotal. */
  travellerCosts: number[];
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** Splits an amount in cents over weights, so the parts add up to the amount exactly (largest remainder). */
export function splitCents(amount: number, weights: readonly number[]): number[] {
  const total = Math.round(amount * 100);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  if (weightSum <= 0) throw new InputError('cannot split an amount over zero weights', 'weights');
  const raw = weights.map((w) => (total * w) / weightSum);
  const floors = raw.map(Math.floor);
  let left = total - floors.reduce((s, x) => s + x, 0);
  const order = raw.map((r, i) => [r - floors[i], i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i] += 1;
    left -= 1;
  }
  return floors.map((c) => c / 100);
}

function checkComponent(c: CostComponent, i: number, currency: string): void {
  const at = `components[${i}]`;
  if (!COMPONENT_KINDS.includes(c.kind)) throw new InputError(`${at}.kind must be one of ${COMPONENT_KINDS.join(', ')}, got "${String(c.kind)}"`, `${at}.kind`);
  if (!COST_UNITS.includes(c.unit)) throw new InputError(`${at}.unit must be one of ${COST_UNITS.join(', ')}, got "${String(c.unit)}"`, `${at}.unit`);
  if (typeof c.unitCost !== 'number' || !Number.isFinite(c.unitCost) || c.unitCost < 0) {
    throw new InputError(`${at}.unitCost must be a non-negative number, got ${String(c.unitCost)}`, `${at}.unitCost`);
  }
  if (!Number.isInteger(c.nights) || c.nights < 0) throw new InputError(`${at}.nights must be a whole number ≥ 0, got ${String(c.nights)}`, `${at}.nights`);
  if (c.unitCapacity !== null && (!Number.isInteger(c.unitCapacity) || c.unitCapacity < 1)) {
    throw new InputError(`${at}.unitCapacity must be a whole number ≥ 1 or null, got ${String(c.unitCapacity)}`, `${at}.unitCapacity`);
  }
  if (c.unit === 'per_vehicle' && c.unitCapacity === null) {
    throw new InputError(`${at} (${c.name}) is priced per vehicle but has no vehicle capacity`, `${at}.unitCapacity`);
  }
  if (c.currency !== currency) {
    throw new InputError(`${at} (${c.name}) costs in ${c.currency} but the quotation is in ${currency}; there is no exchange-rate table`, `${at}.currency`);
  }
}

function roomsFor(component: CostComponent, group: TravellingGroup, index: number): RoomPlan {
  const occupancy = component.unitCapacity ?? 2;
  if (!group.rooms) return defaultRoomPlan(group.partySize, occupancy);
  group.rooms.forEach((room, r) => {
    if (room.length > occupancy) {
      throw new InputError(
        `rooms[${r}] has ${room.length} travellers but ${component.name} sleeps at most ${occupancy} per room`,
        `components[${index}].unitCapacity`,
      );
    }
  });
  return group.rooms;
}

function priceComponent(c: CostComponent, index: number, group: TravellingGroup, rules: CostingRules): CostLine {
  const { partySize } = group;
  const everyone = Array<number>(partySize).fill(1);
  const nightsFactor = c.nights > 0 ? c.nights : 1;
  const perNights = c.nights > 0 ? ` × ${c.nights} night${c.nights > 1 ? 's' : ''}` : '';
  const base = { component: c, componentId: c.componentId, kind: c.kind, name: c.name, dayNumber: c.dayNumber, unit: c.unit };

  // A guide's day rate depends on the language; guides are counted whatever unit the catalogue uses for them.
  const guide = c.kind === 'guide' ? planGuides(partySize, group.language, rules.guideLanguageRates, rules.paxPerGuide) : undefined;
  const languageRate = guide?.rate ?? 1;
  const languageNote = guide && guide.rate !== 1 ? `, ${guide.language}-speaking guide × ${guide.rate}` : '';

  switch (c.unit) {
    case 'per_person': {
      const amount = cents(partySize * c.unitCost * languageRate * nightsFactor);
      return { ...base, quantity: partySize, unitCost: cents(c.unitCost * languageRate), amount, detail: `${partySize} travellers${perNights}${languageNote}`, perTraveller: splitCents(amount, everyone) };
    }
    case 'per_room': {
      const plan = roomsFor(c, group, index);
      const roomCost = c.unitCost * nightsFactor;
      // Each room is paid by its occupants in equal parts, so a traveller alone pays a whole room.
      const weights = Array<number>(partySize).fill(0);
      for (const room of plan) for (const t of room) weights[t] = roomCost / room.length;
      const amount = cents(plan.length * roomCost);
      return { ...base, quantity: plan.length, unitCost: c.unitCost, amount, detail: `${describeRooms(plan)}${perNights}`, perTraveller: splitCents(amount, weights) };
    }
    case 'per_vehicle': {
      const vehicles = planVehicles(partySize, { unitCost: c.unitCost, seats: c.unitCapacity as number }, rules.fleet, rules.vehicleCostExponent);
      const count = vehicles.vehicles.reduce((s, v) => s + v.count, 0);
      const amount = cents(vehicles.cost * languageRate * nightsFactor);
      return { ...base, quantity: count, unitCost: cents(amount / count / nightsFactor), amount, detail: `${describeVehicles(vehicles)}${perNights}`, perTraveller: splitCents(amount, everyone) };
    }
    case 'per_group': {
      const units = guide?.guides ?? 1;
      const amount = cents(units * c.unitCost * languageRate * nightsFactor);
      const what = guide ? `${units} guide${units > 1 ? 's' : ''} for ${partySize} travellers` : `whole group of ${partySize}`;
      return { ...base, quantity: units, unitCost: cents(c.unitCost * languageRate), amount, detail: `${what}${perNights}${languageNote}`, perTraveller: splitCents(amount, everyone) };
    }
  }
}

export function costQuotation(components: readonly CostComponent[], group: TravellingGroup, rules: CostingRules): Costing {
  if (!Number.isInteger(group.partySize) || group.partySize < 1 || group.partySize > 200) {
    throw new InputError(`partySize must be a whole number from 1 to 200, got ${String(group.partySize)}`, 'partySize');
  }
  if (components.length === 0) throw new InputError('a quotation needs at least one component to cost', 'components');
  if (group.rooms) checkRoomPlan(group.rooms, group.partySize);
  components.forEach((c, i) => checkComponent(c, i, rules.currency));

  const lines = components.map((c, i) => priceComponent(c, i, group, rules));
  const directCost = cents(lines.reduce((s, l) => s + l.amount, 0));
  const direct = lines.reduce((acc, l) => acc.map((x, t) => x + l.perTraveller[t]), Array<number>(group.partySize).fill(0));

  // The rate part follows what each traveller costs directly; insurance and assistance are per head.
  const rateAmount = cents(directCost * rules.operationalRate);
  const ratePart = directCost > 0 ? splitCents(rateAmount, direct) : splitCents(rateAmount, Array<number>(group.partySize).fill(1));
  const perPaxAmount = cents(group.partySize * rules.operationalPerPax);
  const perPaxPart = splitCents(perPaxAmount, Array<number>(group.partySize).fill(1));
  const operationalCost = cents(rateAmount + perPaxAmount);
  lines.push({
    component: null,
    componentId: null,
    kind: 'operational',
    name: 'Operational costs',
    dayNumber: null,
    unit: 'per_quotation',
    quantity: 1,
    unitCost: operationalCost,
    amount: operationalCost,
    detail: `${(rules.operationalRate * 100).toFixed(1)}% of direct costs + ${rules.currency} ${rules.operationalPerPax} per traveller (insurance, assistance)`,
    perTraveller: ratePart.map((x, t) => cents(x + perPaxPart[t])),
  });

  const costTotal = cents(directCost + operationalCost);
  const travellerCosts = lines.reduce((acc, l) => acc.map((x, t) => x + l.perTraveller[t]), Array<number>(group.partySize).fill(0)).map(cents);
  return { partySize: group.partySize, currency: rules.currency, lines, directCost, operationalCost, costTotal, travellerCosts };
}
