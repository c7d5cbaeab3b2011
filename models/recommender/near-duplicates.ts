import type { ItineraryInfo } from './catalogue.ts';

/**
 * Another length of a trip the customer already took is not a new idea: same destination, a theme in common
 * ("Classic Cusco 5 days" after "Classic Cusco 4 days"). With the rule `nearDuplicatesLast` such itineraries rank
 * after every other one that passes the rules, served and evaluated alike.
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

/** `top` (best first) with its near-duplicates moved after the rest, in their order; cut to k. */
export function nearDuplicatesLast(top: Int32Array, k: number, twinOf: (index: number) => number): Int32Array {
  const others: number[] = [];
  const twins: number[] = [];
  for (const i of top) (twinOf(i) < 0 ? others : twins).push(i);
  return Int32Array.from([...others, ...twins].slice(0, k));
}
