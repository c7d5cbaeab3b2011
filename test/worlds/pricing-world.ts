import { mulberry32, normal, pick, randInt } from '../../platform/random.ts';
import type { Quotation } from '../../models/price/quotations.ts';

/**
 * A synthetic pricing world for tests and benchmarks, shaped like Spirit Tours' quotations: cost follows days,
 * hotel category and group size; the markup rises in the dry season (May–September) and more so for late
 * bookings in it, falls for early bookings, large groups and agency sales, with a Cusco premium in peak season.
 * Month effects and interactions are what a linear model cannot express and trees can.
 * Destinations are codes: 0 Cusco, 1 Lima, 2 Arequipa, 3 Puno, 4 Iquitos.
 */
export const PRICING_FEATURES = ['departure_month', 'lead_time_days', 'group_size', 'hotel_stars', 'days', 'destination', 'agency'] as const;

const DAY_MS = 86_400_000;

export function isDrySeason(month: number): boolean {
  return month >= 5 && month <= 9;
}

export function trueLogMarkup(f: Record<(typeof PRICING_FEATURES)[number], number>): number {
  const peak = isDrySeason(f.departure_month) ? 1 : 0;
  return (
    0.25 +
    0.12 * peak +
    0.1 * peak * (f.lead_time_days < 30 ? 1 : 0) -
    0.07 * (f.lead_time_days > 120 ? 1 : 0) -
    0.05 * Math.log(f.group_size) +
    0.06 * peak * (f.destination === 0 ? 1 : 0) -
    0.05 * f.agency
  );
}

export function pricingWorld(count: number, seed: number, start = '2024-01-01T00:00:00Z', noise = 0.04): Quotation[] {
  const rng = mulberry32(seed);
  const t0 = Date.parse(start);
  const span = 2 * 365 * DAY_MS;
  return Array.from({ length: count }, () => {
    const quotedAt = new Date(t0 + Math.floor(rng() * span));
    const lead = randInt(rng, 1, 240);
    const departure = new Date(quotedAt.getTime() + lead * DAY_MS);
    const features = {
      departure_month: departure.getUTCMonth() + 1,
      lead_time_days: lead,
      group_size: randInt(rng, 1, 20),
      hotel_stars: randInt(rng, 2, 5),
      days: randInt(rng, 1, 12),
      destination: pick(rng, [0, 1, 2, 3, 4]),
      agency: rng() < 0.4 ? 1 : 0,
    };
    const cost = features.group_size ** 0.9 * features.days * (30 + 20 * features.hotel_stars) * (features.destination === 0 ? 1.3 : 1) * Math.exp(normal(rng, 0, 0.1));
    const target = cost * Math.exp(trueLogMarkup(features) + normal(rng, 0, noise));
    return { features, cost, target, quotedAt };
  });
}
