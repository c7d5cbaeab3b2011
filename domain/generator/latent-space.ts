import { REGIONS, SERVICE_LEVELS, THEMES, type Region, type ServiceLevel, type Theme } from './catalogue-data.ts';
import type { SegmentSpec } from './segments.ts';

/**
 * The taste space shared by customers and itineraries, with named axes so the ground truth can be read:
 * themes, regions and service levels. An itinerary's factors are its theme mix (summing to 1), its region mix
 * (summing to 1) and its service level (one-hot); a customer's preferences are weights on the same axes. Their
 * dot product is how well the itinerary fits the customer: it drives which itineraries are quoted and booked,
 * whether a quotation converts and how the trip is rated.
 */
export const DIMENSIONS: readonly string[] = [
  ...THEMES.map((t) => `theme:${t}`),
  ...REGIONS.map((r) => `region:${r}`),
  ...SERVICE_LEVELS.map((l) => `level:${l}`),
];
export const DIMS = DIMENSIONS.length;

export function itineraryFactors(themes: Partial<Record<Theme, number>>, regions: Partial<Record<Region, number>>, level: ServiceLevel): Float64Array {
  const v = new Float64Array(DIMS);
  const themeTotal = THEMES.reduce((s, t) => s + (themes[t] ?? 0), 0);
  THEMES.forEach((t, i) => (v[i] = (themes[t] ?? 0) / themeTotal));
  const regionTotal = REGIONS.reduce((s, r) => s + (regions[r] ?? 0), 0);
  REGIONS.forEach((r, i) => (v[THEMES.length + i] = (regions[r] ?? 0) / regionTotal));
  v[THEMES.length + REGIONS.length + SERVICE_LEVELS.indexOf(level)] = 1;
  return v;
}

export function segmentCentre(segment: SegmentSpec): Float64Array {
  return Float64Array.from([
    ...THEMES.map((t) => segment.taste.themes[t]),
    ...REGIONS.map((r) => segment.taste.regions[r]),
    ...SERVICE_LEVELS.map((l) => segment.taste.levels[l]),
  ]);
}

export function dot(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < DIMS; i++) s += a[aOffset + i] * b[i];
  return s;
}
