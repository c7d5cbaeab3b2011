import type { ServiceLevel } from './catalogue-data.ts';
import type { SegmentName } from './segments.ts';

/**
 * The true pricing rule of the generated world: the first version of every quotation is
 *
 *   price = max(cost · exp(logMarkup + ε), cost · (1 + marginFloor)),   ε ~ N(0, noiseSd²)
 *
 *   logMarkup = base + season · ln(seasonIndex) + load · loadFactor + scarcity · max(0, loadFactor − scarcityFrom)
 *             + leadTime · ln(1 + leadDays / 30) + groupSize · ln(partySize) + level[serviceLevel] + segment[segment]
 *
 * seasonIndex is the destination's index on the departure date (seasons.ts), loadFactor the share of the
 * departure's seats held by bookings when the quotation is made, leadDays the days from quotation to departure.
 * Later versions are negotiation: each multiplies the previous price by exp(−discount) (or, now and then, a
 * small increase), never below the margin floor. The price model's tests compare against these parameters.
 */
export interface PricingParams {
  base: number;
  season: number;
  load: number;
  scarcity: number;
  scarcityFrom: number;
  leadTime: number;
  groupSize: number;
  level: Record<ServiceLevel, number>;
  segment: Record<SegmentName, number>;
  noiseSd: number;
  marginFloor: number;
}

export const PRICING: PricingParams = {
  base: 0.36,
  season: 0.14,
  load: 0.1,
  scarcity: 0.4,
  scarcityFrom: 0.75,
  leadTime: -0.035,
  groupSize: -0.045,
  level: { standard: 0, superior: 0.05, luxury: 0.12 },
  segment: { budget_backpackers: -0.04, culture_families: 0, luxury_couples: 0.04, adventure_groups: -0.02, senior_culture: 0.02, corporate_incentive: 0.05 },
  noiseSd: 0.04,
  marginFloor: 0.05,
};

export interface PricingFeatures {
  seasonIndex: number;
  loadFactor: number;
  leadDays: number;
  partySize: number;
  level: ServiceLevel;
  segment: SegmentName;
}

export function trueLogMarkup(f: PricingFeatures, p: PricingParams = PRICING): number {
  return (
    p.base +
    p.season * Math.log(f.seasonIndex) +
    p.load * f.loadFactor +
    p.scarcity * Math.max(0, f.loadFactor - p.scarcityFrom) +
    p.leadTime * Math.log(1 + Math.max(0, f.leadDays) / 30) +
    p.groupSize * Math.log(f.partySize) +
    p.level[f.level] +
    p.segment[f.segment]
  );
}

/** Negotiation between versions of a quotation. */
export const NEGOTIATION = {
  /** Probabilities of 1, 2, 3 and 4 versions. */
  versions: [0.45, 0.3, 0.17, 0.08] as const,
  /** A later version is a discount drawn uniformly from this range (as −log of the price ratio)… */
  discount: [0.015, 0.06] as const,
  /** …except this share, which raise the price a little (supplier rate update). */
  increaseShare: 0.1,
  increase: [0.01, 0.04] as const,
  /** Quotations stay valid this many days after their last version, then expire. */
  validityDays: 14,
};

export function floorPrice(cost: number, p: PricingParams = PRICING): number {
  return cost * (1 + p.marginFloor);
}

export function cents(x: number): number {
  return Math.round(x * 100) / 100;
}
