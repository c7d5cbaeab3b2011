import { InputError } from '../../platform/errors.ts';

/**
 * Who sleeps in which room. A room is the list of its travellers (indices 0…partySize-1). Rooms are priced whole,
 * so a traveller alone in a double pays the full room: the single supplement falls out of the split rather than
 * being a separate rule.
 */
export type RoomPlan = number[][];

/** The default split: travellers fill rooms of `occupancy` in order; whoever is left over gets a smaller room. */
export function defaultRoomPlan(partySize: number, occupancy: number): RoomPlan {
  if (!Number.isInteger(partySize) || partySize < 1) throw new InputError(`partySize must be a whole number of at least 1, got ${partySize}`, 'partySize');
  if (!Number.isInteger(occupancy) || occupancy < 1) throw new InputError(`room occupancy must be a whole number of at least 1, got ${occupancy}`, 'occupancy');
  const rooms: RoomPlan = [];
  for (let first = 0; first < partySize; first += occupancy) {
    rooms.push(Array.from({ length: Math.min(occupancy, partySize - first) }, (_, i) => first + i));
  }
  return rooms;
}

/**
 * Checks a room plan chosen by the group: every traveller in exactly one room, no empty room.
 * Whether a room fits a hotel's occupancy is checked per hotel, by the costing.
 */
export function checkRoomPlan(plan: RoomPlan, partySize: number): void {
  const seen = new Set<number>();
  plan.forEach((room, r) => {
    if (!Array.isArray(room) || room.length === 0) throw new InputError(`rooms[${r}] must list at least one traveller`, `rooms[${r}]`);
    for (const traveller of room) {
      if (!Number.isInteger(traveller) || traveller < 0 || traveller >= partySize) {
        throw new InputError(`rooms[${r}] names traveller ${String(traveller)}, but travellers are numbered 0 to ${partySize - 1}`, `rooms[${r}]`);
      }
      if (seen.has(traveller)) throw new InputError(`traveller ${traveller} is in more than one room`, `rooms[${r}]`);
      seen.add(traveller);
    }
  });
  if (seen.size !== partySize) {
    const missing = Array.from({ length: partySize }, (_, i) => i).filter((i) => !seen.has(i));
    throw new InputError(`travellers ${missing.join(', ')} have no room`, 'rooms');
  }
}

/** "2 double + 1 single": how a plan reads on a quotation line. */
export function describeRooms(plan: RoomPlan): string {
  const names = ['single', 'double', 'triple', 'quadruple'];
  const counts = new Map<number, number>();
  for (const room of plan) counts.set(room.length, (counts.get(room.length) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([size, n]) => `${n} ${names[size - 1] ?? `${size}-bed`}`)
    .join(' + ');
}
