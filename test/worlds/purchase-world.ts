import { substream } from '../../platform/random.ts';
import type { Interaction } from '../../models/recommender/interactions.ts';

/**
 * A second synthetic market, unlike the travel world on purpose, so that a choice made on one is checked on the
 * other: retail-like purchases where what sells changes with time. Products belong to categories, are launched
 * through the year and fade (each has its own shelf life), and a few are best-sellers; customers shop two or three
 * favourite categories, buy again some of what they bought before, and pick within a category by quality ×
 * freshness. Rows are single purchases (weight 1, no summing), as a CSV export of orders would be.
 */
export interface PurchaseWorldOptions {
  customers: number;
  products: number;
  /** Mean purchases per customer over the year (geometric, at least one). */
  purchasesPerCustomer: number;
  seed: number;
  categories?: number;
  /** Chance that a purchase is a product the customer bought before. */
  repeatShare?: number;
  start?: Date;
  days?: number;
}

const DAY_MS = 86_400_000;

export function purchaseWorld(o: PurchaseWorldOptions): Interaction[] {
  const rng = substream(o.seed, 'purchase-world');
  const categories = o.categories ?? 24;
  const repeatShare = o.repeatShare ?? 0.2;
  const days = o.days ?? 365;
  const start = (o.start ?? new Date('2025-01-01T00:00:00Z')).getTime();

  const category = new Int32Array(o.products);
  const launch = new Float64Array(o.products);
  const shelfLife = new Float64Array(o.products);
  const quality = new Float64Array(o.products);
  const inCategory: number[][] = Array.from({ length: categories }, () => []);
  for (let p = 0; p < o.products; p++) {
    category[p] = Math.floor(rng() * categories);
    inCategory[category[p]].push(p);
    // A third of the range was on the shelf before the year began.
    launch[p] = -120 + rng() * (days + 120);
    shelfLife[p] = 20 + rng() * 160;
    // Heavy-tailed quality: a few best-sellers per category.
    quality[p] = Math.exp(1.2 * Math.log(1 / Math.max(rng(), 1e-9)) ** 0.8);
  }
  const appeal = (p: number, day: number) => (day < launch[p] ? 0 : quality[p] * Math.exp(-(day - launch[p]) / shelfLife[p]));

  const rows: Interaction[] = [];
  for (let c = 0; c < o.customers; c++) {
    const userId = `U${String(c).padStart(6, '0')}`;
    const favourites = Array.from({ length: 2 + Math.floor(rng() * 2) }, () => Math.floor(rng() * categories));
    const weights = favourites.map(() => rng() + 0.2);
    const total = weights.reduce((a, b) => a + b, 0);
    const count = 1 + Math.floor(Math.log(Math.max(rng(), 1e-12)) / Math.log(1 - 1 / o.purchasesPerCustomer));
    const times = Array.from({ length: count }, () => rng() * days).sort((a, b) => a - b);
    const bought: number[] = [];
    for (const day of times) {
      let product = -1;
      if (bought.length > 0 && rng() < repeatShare) product = bought[Math.floor(rng() * bought.length)];
      else {
        let u = rng() * total;
        let f = 0;
        while (f < favourites.length - 1 && (u -= weights[f]) > 0) f++;
        const shelf = inCategory[favourites[f]];
        let sum = 0;
        for (const p of shelf) sum += appeal(p, day);
        if (sum === 0) continue;
        let v = rng() * sum;
        for (const p of shelf) {
          v -= appeal(p, day);
          if (v <= 0) {
            product = p;
            break;
          }
        }
        if (product < 0) product = shelf[shelf.length - 1];
      }
      bought.push(product);
      rows.push({ userId, itemId: `P${String(product).padStart(5, '0')}`, weight: 1, ts: start + Math.floor(day * DAY_MS), kind: 'booking' });
    }
  }
  return rows;
}
