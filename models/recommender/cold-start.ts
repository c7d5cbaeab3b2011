import type { ItineraryInfo } from './catalogue.ts';
import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * Cold start. A customer with no history gets what customers like them book: the popular itineraries of their
 * segment, else of their home market, else of everyone. A new itinerary has no factors of its own until it has
 * interactions, so it borrows the mean factors of comparable itineraries and can be recommended from day one.
 */
export interface CustomerProfile {
  userId: string;
  /** Marketing segment, e.g. `family`, `honeymoon`, `backpacker`. */
  segment?: string;
  /** Country the customer books from, e.g. `US`, `PE`. */
  homeMarket?: string;
}

/** Summed confidence per itinerary: weights decay with time, so this follows recent demand. */
export function popularity(byUser: SparseMatrix, rows?: (user: number) => boolean): Float32Array {
  const out = new Float32Array(byUser.columns);
  for (let u = 0; u < byUser.rows; u++) {
    if (rows && !rows(u)) continue;
    for (let e = byUser.indptr[u]; e < byUser.indptr[u + 1]; e++) out[byUser.indices[e]] += byUser.values[e];
  }
  return out;
}

/** Popularity within each value of a customer attribute (segment or home market). */
export function popularityBy(byUser: SparseMatrix, groupOfUser: readonly (string | undefined)[]): Map<string, Float32Array> {
  const groups = new Map<string, Float32Array>();
  for (let u = 0; u < byUser.rows; u++) {
    const group = groupOfUser[u];
    if (group === undefined) continue;
    let scores = groups.get(group);
    if (!scores) groups.set(group, (scores = new Float32Array(byUser.columns)));
    for (let e = byUser.indptr[u]; e < byUser.indptr[u + 1]; e++) scores[byUser.indices[e]] += byUser.values[e];
  }
  return groups;
}

/**
 * How comparable itinerary b is to a new itinerary a, from the strictest match down; -1 when not comparable.
 * 3: same destination, service level and duration within a day; 2: same destination and level; 1: same destination.
 */
export function comparability(a: ItineraryInfo | undefined, b: ItineraryInfo | undefined): number {
  if (!a?.destination || a.destination !== b?.destination) return -1;
  if (!a.serviceLevel || a.serviceLevel !== b.serviceLevel) return 1;
  if (a.durationDays !== undefined && b.durationDays !== undefined && Math.abs(a.durationDays - b.durationDays) <= 1) return 3;
  return 2;
}

/**
 * Gives every itinerary without interactions the mean factors of its most comparable itineraries that have some.
 * One with no comparable itinerary keeps zero factors (score 0): better unranked than placed by a guess.
 * Returns the indices that borrowed.
 */
export function borrowFactorsForNewItems(itemFactors: Float32Array, f: number, byItem: SparseMatrix, info: readonly (ItineraryInfo | undefined)[]): number[] {
  const known: number[] = [];
  const fresh: number[] = [];
  for (let i = 0; i < byItem.rows; i++) (byItem.indptr[i + 1] > byItem.indptr[i] ? known : fresh).push(i);
  const borrowed: number[] = [];
  for (const i of fresh) {
    let best = 0;
    let donors: number[] = [];
    for (const j of known) {
      const level = comparability(info[i], info[j]);
      if (level > best) {
        best = level;
        donors = [j];
      } else if (level === best && level > 0) donors.push(j);
    }
    if (donors.length === 0) continue;
    for (let a = 0; a < f; a++) {
      let sum = 0;
      for (const j of donors) sum += itemFactors[j * f + a];
      itemFactors[i * f + a] = sum / donors.length;
    }
    borrowed.push(i);
  }
  return borrowed;
}
