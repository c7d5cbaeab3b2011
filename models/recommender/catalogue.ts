import { InputError } from '../../platform/errors.ts';

/**
 * What the sales team knows about each itinerary, passed in by the caller: the name shown in explanations, and what
 * business rules and cold start need (price and service level for budgets, destination and duration to find
 * comparable itineraries for a new one).
 */
export interface ItineraryInfo {
  itemId: string;
  name?: string;
  destination?: string;
  serviceLevel?: string;
  durationDays?: number;
  /** Price per person in the currency budgets are given in. */
  price?: number;
  /** Themes (culture, nature…): with the destination, they tell another length of the same trip (near-duplicates.ts). */
  themes?: string[];
}

export function checkCatalogue(items: readonly ItineraryInfo[]): void {
  if (!Array.isArray(items)) throw new InputError('items must be an array of itinerary descriptions', 'items');
  const seen = new Set<string>();
  items.forEach((item, r) => {
    if (typeof item?.itemId !== 'string' || item.itemId === '') throw new InputError(`itemId of item ${r} must be a non-empty string`, 'itemId');
    if (seen.has(item.itemId)) throw new InputError(`itinerary ${item.itemId} is described twice`, 'itemId');
    seen.add(item.itemId);
    if (item.price !== undefined && !(Number.isFinite(item.price) && item.price >= 0)) throw new InputError(`price of ${item.itemId} must be a number ≥ 0, got ${String(item.price)}`, 'price');
    if (item.themes !== undefined && !(Array.isArray(item.themes) && (item.themes as unknown[]).every((t) => typeof t === 'string'))) throw new InputError(`themes of ${item.itemId} must be a list of words`, 'themes');
    if (item.durationDays !== undefined && !(Number.isFinite(item.durationDays) && item.durationDays > 0)) {
      throw new InputError(`durationDays of ${item.itemId} must be a positive number, got ${String(item.durationDays)}`, 'durationDays');
    }
  });
}

/** An itinerary's display name: its name when known, else its id. */
export function itineraryName(info: ItineraryInfo | undefined, itemId: string): string {
  return info?.name ?? itemId;
}
