import { InputError } from '../../platform/errors.ts';

/**
 * Vehicle size by group size. A transport component is priced in the catalogue for one reference vehicle
 * (unit_cost for unit_capacity seats); the same service can run with any vehicle of the fleet, whose cost
 * grows less than in proportion to its seats (a coach does not cost five vans). The plan is the cheapest mix
 * of vehicles that seats the group, fewest vehicles on a tie.
 */
export interface VehicleClass {
  name: string;
  seats: number;
}

/** Local operators' usual fleet in Peru: car, van (Sprinter-type), minibus, coach. */
export const DEFAULT_FLEET: readonly VehicleClass[] = [
  { name: 'car', seats: 3 },
  { name: 'van', seats: 10 },
  { name: 'minibus', seats: 20 },
  { name: 'coach', seats: 40 },
];

/** Cost of a vehicle relative to seats: cost ∝ seats^exponent (0.6: a 40-seat coach ≈ 2.9× a 10-seat van). */
export const DEFAULT_VEHICLE_COST_EXPONENT = 0.6;

export interface VehicleChoice {
  name: string;
  seats: number;
  count: number;
  unitCost: number;
}

export interface VehiclePlan {
  vehicles: VehicleChoice[];
  cost: number;
}

export function vehicleCost(reference: { unitCost: number; seats: number }, seats: number, exponent: number): number {
  return reference.unitCost * Math.pow(seats / reference.seats, exponent);
}

export function planVehicles(
  partySize: number,
  reference: { unitCost: number; seats: number },
  fleet: readonly VehicleClass[] = DEFAULT_FLEET,
  exponent = DEFAULT_VEHICLE_COST_EXPONENT,
): VehiclePlan {
  if (!Number.isInteger(partySize) || partySize < 1) throw new InputError(`partySize must be a whole number of at least 1, got ${partySize}`, 'partySize');
  if (!(reference.seats > 0)) throw new InputError(`a vehicle needs a capacity of at least 1 seat, got ${reference.seats}`, 'unitCapacity');
  if (fleet.length === 0) throw new InputError('the fleet has no vehicle class', 'fleet');
  const costs = fleet.map((v) => vehicleCost(reference, v.seats, exponent));
  // best[s]: cheapest way to seat s travellers; vehicles may have empty seats, so s counts down to 0.
  const best: Array<{ cost: number; vehicles: number; last: number }> = [{ cost: 0, vehicles: 0, last: -1 }];
  for (let s = 1; s <= partySize; s++) {
    let choice = { cost: Infinity, vehicles: Infinity, last: -1 };
    fleet.forEach((v, k) => {
      const before = best[Math.max(0, s - v.seats)];
      const cost = before.cost + costs[k];
      const vehicles = before.vehicles + 1;
      if (cost < choice.cost - 1e-9 || (Math.abs(cost - choice.cost) <= 1e-9 && vehicles < choice.vehicles)) {
        choice = { cost, vehicles, last: k };
      }
    });
    best.push(choice);
  }
  const counts = new Map<number, number>();
  for (let s = partySize; s > 0; s = Math.max(0, s - fleet[best[s].last].seats)) {
    counts.set(best[s].last, (counts.get(best[s].last) ?? 0) + 1);
  }
  const vehicles = [...counts.entries()]
    .sort((a, b) => fleet[b[0]].seats - fleet[a[0]].seats)
    .map(([k, count]) => ({ name: fleet[k].name, seats: fleet[k].seats, count, unitCost: costs[k] }));
  return { vehicles, cost: best[partySize].cost };
}

export function describeVehicles(plan: VehiclePlan): string {
  return plan.vehicles.map((v) => `${v.count} ${v.name}${v.count > 1 ? 's' : ''} (${v.seats} seats)`).join(' + ');
}
