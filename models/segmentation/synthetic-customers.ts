import { mulberry32, normal, pickWeighted } from '../../platform/random.ts';
import type { CustomerFeatures } from './customer-features.ts';

/**
 * Customers drawn from known latent segments, for tests and the benchmark: each segment has a typical value
 * per feature and each customer deviates from it with noise of `noise` × the feature's spread across segments.
 * A share of values is blanked to NaN, as when a customer has never rated a trip.
 */
export const CUSTOMER_FEATURES = ['age', 'travel_frequency', 'avg_budget', 'avg_group_size', 'advance_booking_days', 'cancellation_rate', 'satisfaction'];

export const LATENT_SEGMENTS = [
  { name: 'planners with large groups', weight: 0.3, typical: [46, 1.2, 2100, 9, 140, 0.05, 4.3] },
  { name: 'young backpackers', weight: 0.3, typical: [24, 2.5, 600, 1.6, 12, 0.15, 4.0] },
  { name: 'luxury couples', weight: 0.2, typical: [58, 1.5, 5200, 2, 90, 0.03, 4.7] },
  { name: 'frequent short-trippers', weight: 0.2, typical: [37, 6, 1200, 1.3, 20, 0.25, 3.6] },
];

const LOWER_BOUNDS = [18, 0.1, 100, 1, 0, 0, 1];
const UPPER_BOUNDS = [90, 30, 50_000, 40, 365, 1, 5];

export interface SyntheticCustomers extends CustomerFeatures {
  /** The latent segment each customer was drawn from (index into LATENT_SEGMENTS). */
  truth: number[];
}

export function syntheticCustomers(count: number, options: { seed: number; noise?: number; missingShare?: number }): SyntheticCustomers {
  const rng = mulberry32(options.seed);
  const noise = options.noise ?? 0.12;
  const missingShare = options.missingShare ?? 0.02;
  const spread = CUSTOMER_FEATURES.map((_, c) => {
    const values = LATENT_SEGMENTS.map((s) => s.typical[c]);
    return Math.max(...values) - Math.min(...values);
  });
  const weights = LATENT_SEGMENTS.map((s) => s.weight);
  const truth: number[] = [];
  const rows: number[][] = [];
  const customerIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const segment = pickWeighted(rng, weights);
    truth.push(segment);
    customerIds.push(`C${String(i + 1).padStart(6, '0')}`);
    rows.push(
      LATENT_SEGMENTS[segment].typical.map((typical, c) => {
        const value = Math.min(UPPER_BOUNDS[c], Math.max(LOWER_BOUNDS[c], normal(rng, typical, noise * spread[c])));
        return rng() < missingShare ? Number.NaN : value;
      }),
    );
  }
  return { customerIds, featureNames: [...CUSTOMER_FEATURES], rows, truth };
}
