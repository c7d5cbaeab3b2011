import type { ItineraryInfo } from './catalogue.ts';

/**
 * Another length of a trip the customer already took is not a new idea: same destination, a theme in common
 * ("Classic Cusco 5 days" after "Classic Cusco 4 days"). Such an itinerary is offered as what it is — "another
 * length of …" — rather than "because you booked …". It keeps its rank: ranking them last was tried, and on held-out
 * bookings it brought the learnt recommenders down to the popularity baseline (customers do book another length of
 * a trip they liked).
 */

/** The first past itinerary (catalogue index) the candidate is another length of, or −1. */
export function nearDuplicateOf(info: readonly (ItineraryInfo | undefined)[], candidate: number, history: ArrayLike<number>): number {
  const c = info[candidate];
  if (!c?.destination || !c.themes?.length) return -1;
  for (let h = 0; h < history.length; h++) {
    const past = info[history[h]];
    if (history[h] !== candidate && past?.destination === c.destination && past.themes?.some((theme) => c.themes!.includes(theme))) return history[h];
  }
  return -1;
}
