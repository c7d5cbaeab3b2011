import { InputError } from '../../platform/errors.ts';
import type { ItineraryInfo } from './catalogue.ts';
import type { IdIndex } from './id-index.ts';

/**
 * Query-time business rules. They filter the scored catalogue before it is cut to k, so a customer gets k
 * itineraries whenever k pass the rules. The caller supplies what changes by the minute (availability) and by the
 * customer (this season's bookings); price and service level come from the itinerary descriptions.
 */
export interface BusinessRules {
  /** Itineraries the customer already booked for the season asked about: offering them again is noise. */
  bookedThisSeason?: Iterable<string>;
  /** Itineraries with a departure with free seats in the requested window: a set or a predicate. */
  available?: ReadonlySet<string> | ((itemId: string) => boolean);
  /** Budget per person; an itinerary with no known price is left out, since it cannot be shown to fit. */
  minPrice?: number;
  maxPrice?: number;
  /** Accepted service levels; an itinerary with no known level is left out. */
  serviceLevels?: readonly string[];
  /** Only these itineraries (e.g. a campaign's). */
  include?: readonly string[];
  exclude?: readonly string[];
  /** Leave out everything the customer interacted with in training (served lists and the evaluation both do). */
  excludeInteracted?: boolean;
}

function checkRules(rules: BusinessRules): void {
  for (const name of ['minPrice', 'maxPrice'] as const) {
    const v = rules[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) throw new InputError(`${name} must be a number ≥ 0, got ${String(v)}`, name);
  }
  if (rules.minPrice !== undefined && rules.maxPrice !== undefined && rules.minPrice > rules.maxPrice) {
    throw new InputError(`minPrice ${rules.minPrice} is above maxPrice ${rules.maxPrice}`, 'minPrice');
  }
  for (const name of ['serviceLevels', 'include', 'exclude'] as const) {
    if (rules[name] !== undefined && !Array.isArray(rules[name])) throw new InputError(`${name} must be an array of strings`, name);
  }
  const a = rules.available;
  if (a !== undefined && typeof a !== 'function' && !(a instanceof Set)) throw new InputError('available must be a Set of itinerary ids or a predicate', 'available');
}

/**
 * The rules as one predicate over catalogue indices. Lookups by id are turned into index flags once per query,
 * so the per-itinerary test in the top-k loop is a few array reads.
 */
export function compileRules(
  rules: BusinessRules,
  items: IdIndex,
  /** Descriptions by catalogue index. */
  info: readonly (ItineraryInfo | undefined)[],
  interacted: ArrayLike<number> = [],
): (index: number) => boolean {
  checkRules(rules);
  const itemIds = items.ids;
  const blocked = new Uint8Array(itemIds.length);
  const block = (ids: Iterable<string> | undefined) => {
    for (const id of ids ?? []) {
      const i = items.indexOf(id);
      if (i >= 0) blocked[i] = 1;
    }
  };
  block(rules.bookedThisSeason);
  block(rules.exclude);
  if (rules.excludeInteracted) for (let e = 0; e < interacted.length; e++) blocked[interacted[e]] = 1;
  if (rules.include) {
    const only = new Set(rules.include);
    for (let i = 0; i < itemIds.length; i++) if (!only.has(itemIds[i])) blocked[i] = 1;
  }
  const budget = rules.minPrice !== undefined || rules.maxPrice !== undefined;
  const levels = rules.serviceLevels ? new Set(rules.serviceLevels) : undefined;
  if (budget || levels) {
    const lo = rules.minPrice ?? 0;
    const hi = rules.maxPrice ?? Infinity;
    for (let i = 0; i < itemIds.length; i++) {
      const item = info[i];
      if (budget && !(item?.price !== undefined && item.price >= lo && item.price <= hi)) blocked[i] = 1;
      if (levels && !(item?.serviceLevel !== undefined && levels.has(item.serviceLevel))) blocked[i] = 1;
    }
  }
  const available = rules.available;
  if (available === undefined) return (i) => blocked[i] === 0;
  // Availability is asked only for itineraries that get that far: the predicate may be a lookup in a departures cache.
  const isAvailable = typeof available === 'function' ? available : (id: string) => available.has(id);
  return (i) => blocked[i] === 0 && isAvailable(itemIds[i]);
}
