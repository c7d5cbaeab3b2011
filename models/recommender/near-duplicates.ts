import type { ItineraryInfo } from './catalogue.ts';

/**
 * Another length of a trip the customer already took is not a new idea: the same trip at the same destination for
 * another number of days ("Classic Cusco & Machu Picchu (5 days, superior)" after its 4-day standard version). Such
 * an itinerary is offered as what it is — "another length of …" — rather than "because you booked …". It keeps its
 * rank: ranking them last was tried, and on held-out bookings it brought the learnt recommenders down to the
 * popularity baseline (customers do book another length of a trip they liked).
 *
 * A different trip that only shares a theme is not another length of it: "Inti Raymi Festival Experience" was
 * called another length of "Classic Cusco & Machu Picchu", both 4 days long.
 */

/** Lengths and service levels as catalogue names write them: "(4 days, standard)", "4D superior", "3 días", "4-day", "4D/3N". */
const LENGTH = /\b\d+\s*-?\s*(?:d[ií]as?|days?|nights?|noches?|d|n)(?![\p{L}\d])(?:\s*\/\s*\d+\s*(?:n|nights?|noches?)(?![\p{L}\d]))?/giu;
const LEVEL = /\b(?:standard|superior|luxury|est[aá]ndar|lujo)\b/giu;

/** The trip a catalogue name stands for, without its length and level: "classic cusco & machu picchu". */
export function tripOf(name: string): string {
  return name
    .toLowerCase()
    .replace(LENGTH, ' ')
    .replace(LEVEL, ' ')
    .replace(/[(),]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function sameTrip(a: ItineraryInfo, b: ItineraryInfo): boolean {
  if (a.destination === undefined || a.destination !== b.destination) return false;
  // Another length: both lengths known and different.
  if (a.durationDays === undefined || b.durationDays === undefined || a.durationDays === b.durationDays) return false;
  // Named trips by their names; a catalogue without names by a theme in common.
  if (a.name !== undefined && b.name !== undefined) return tripOf(a.name) !== '' && tripOf(a.name) === tripOf(b.name);
  return Boolean(a.themes?.some((theme) => b.themes?.includes(theme)));
}

/** The first past itinerary (catalogue index) the candidate is another length of, or −1. */
export function nearDuplicateOf(info: readonly (ItineraryInfo | undefined)[], candidate: number, history: ArrayLike<number>): number {
  const c = info[candidate];
  if (!c) return -1;
  for (let h = 0; h < history.length; h++) {
    const past = info[history[h]];
    if (history[h] !== candidate && past && sameTrip(c, past)) return history[h];
  }
  return -1;
}
