import { normal, pick, substream } from '../../platform/random.ts';
import type { ItineraryInfo } from '../../models/recommender/catalogue.ts';
import type { CustomerProfile } from '../../models/recommender/cold-start.ts';
import { eventsToInteractions, type CustomerEvent } from '../../models/recommender/confidence.ts';
import { splitAtCutoff } from '../../models/recommender/interaction-matrix.ts';
import type { Interaction } from '../../models/recommender/interactions.ts';

/**
 * A synthetic market for tests and the benchmark, with structure a recommender can find: itineraries and taste
 * archetypes have latent vectors; each customer mixes two archetypes (their segment's and a personal one) and
 * picks itineraries with probability ∝ exp(sharpness · taste·itinerary + popularity skew). Events are spread
 * uniformly over a year and tastes do not drift, so a time split tests generalisation, not forecasting.
 */
export interface TravelWorldOptions {
  customers: number;
  itineraries: number;
  /** Mean events per customer (geometric, at least one). */
  eventsPerCustomer: number;
  seed: number;
  archetypes?: number;
  tasteDims?: number;
  /** How strongly taste drives choice; 0 leaves only popularity. */
  sharpness?: number;
  /** Exponent of the Zipf popularity skew. */
  popularitySkew?: number;
  start?: Date;
  days?: number;
}

export interface TravelWorld {
  items: ItineraryInfo[];
  customers: CustomerProfile[];
  events: CustomerEvent[];
}

const THEMES: Record<string, string[]> = {
  Cusco: ['Sacred Valley', 'Machu Picchu', 'Rainbow Mountain', 'Inca Trail'],
  Lima: ['Gastronomy', 'Colonial Lima', 'Pachacamac'],
  Arequipa: ['Colca Canyon', 'White City'],
  Puno: ['Lake Titicaca', 'Uros and Taquile'],
  Iquitos: ['Amazon Lodge', 'Amazon Cruise'],
  Nazca: ['Nazca Lines'],
  Huaraz: ['Cordillera Blanca'],
  Paracas: ['Ballestas Islands'],
};
const DESTINATIONS = Object.keys(THEMES);
const LEVELS = ['standard', 'superior', 'luxury'];
const SEGMENTS = ['family', 'honeymoon', 'adventure', 'culture', 'luxury'];
const MARKETS = ['US', 'PE', 'DE', 'FR', 'UK', 'BR'];
const DAY_MS = 86_400_000;

function vector(rng: () => number, dims: number, scale: number): Float64Array {
  return Float64Array.from({ length: dims }, () => normal(rng, 0, scale));
}

/** 0..n-1 in random order (Fisher-Yates): the popularity rank of each itinerary, unrelated to its taste. */
function shuffled(n: number, rng: () => number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Cumulative distribution of an archetype over the catalogue, for O(log n) sampling. */
function choiceCdf(taste: Float64Array, itemVectors: Float64Array[], logPopularity: Float64Array, sharpness: number): Float64Array {
  const logits = itemVectors.map((v, i) => sharpness * v.reduce((s, x, d) => s + x * taste[d], 0) + logPopularity[i]);
  const max = Math.max(...logits);
  const cdf = new Float64Array(logits.length);
  let total = 0;
  logits.forEach((l, i) => (cdf[i] = total += Math.exp(l - max)));
  return cdf.map((c) => c / total);
}

function sample(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function travelWorld(o: TravelWorldOptions): TravelWorld {
  const dims = o.tasteDims ?? 8;
  const archetypes = o.archetypes ?? 40;
  const sharpness = o.sharpness ?? 2.5;
  const skew = o.popularitySkew ?? 0.5;
  const start = (o.start ?? new Date('2025-01-01T00:00:00Z')).getTime();
  const days = o.days ?? 365;
  const rng = substream(o.seed, 'travel-world');

  const items: ItineraryInfo[] = [];
  const itemVectors: Float64Array[] = [];
  const logPopularity = new Float64Array(o.itineraries);
  const destinationVectors = new Map(DESTINATIONS.map((d) => [d, vector(rng, dims, 1)] as const));
  const rankOrder = shuffled(o.itineraries, rng);
  for (let i = 0; i < o.itineraries; i++) {
    const destination = pick(rng, DESTINATIONS);
    const serviceLevel = pick(rng, LEVELS);
    const durationDays = 1 + Math.floor(rng() * 10);
    const price = Math.round(durationDays * (120 + 140 * LEVELS.indexOf(serviceLevel)) * (0.8 + 0.4 * rng()));
    items.push({ itemId: `IT${String(i).padStart(5, '0')}`, name: `${pick(rng, THEMES[destination])} ${durationDays}D ${serviceLevel}`, destination, serviceLevel, durationDays, price });
    // Itineraries of a destination share part of their taste profile, so comparable ones are close in latent space.
    const own = vector(rng, dims, 0.6);
    itemVectors.push(own.map((x, d) => x + destinationVectors.get(destination)![d]));
    logPopularity[i] = -skew * Math.log(1 + rankOrder[i]);
  }
  const tastes = Array.from({ length: archetypes }, () => vector(rng, dims, 1));
  const cdfs = tastes.map((t) => choiceCdf(t, itemVectors, logPopularity, sharpness));

  const customers: CustomerProfile[] = [];
  const events: CustomerEvent[] = [];
  for (let c = 0; c < o.customers; c++) {
    const segment = Math.floor(rng() * SEGMENTS.length);
    const userId = `C${String(c).padStart(6, '0')}`;
    customers.push({ userId, segment: SEGMENTS[segment], homeMarket: pick(rng, MARKETS) });
    // The segment's archetype plus a personal one: customers of a segment resemble each other, not identically.
    const main = segment % archetypes;
    const personal = Math.floor(rng() * archetypes);
    const mainShare = 0.3 + 0.4 * rng();
    const count = 1 + Math.floor(Math.log(Math.max(rng(), 1e-12)) / Math.log(1 - 1 / o.eventsPerCustomer));
    for (let e = 0; e < count; e++) {
      const item = sample(cdfs[rng() < mainShare ? main : personal], rng());
      const ts = new Date(start + Math.floor(rng() * days * DAY_MS));
      const r = rng();
      const itemId = items[item].itemId;
      if (r < 0.25) events.push({ userId, itemId, kind: 'booking', ts });
      else if (r < 0.9) events.push({ userId, itemId, kind: 'quotation', ts });
      else events.push({ userId, itemId, kind: 'rating', rating: 3 + Math.floor(rng() * 3), ts });
    }
  }
  return { items, customers, events };
}

/**
 * The world's events split at a cut-off and turned into confidences: training decays to the cut-off; what happened
 * after it is the held-out truth.
 */
export function worldHoldout(world: TravelWorld, cutoff: Date): { train: Interaction[]; test: Interaction[] } {
  const { train, test } = splitAtCutoff(world.events, cutoff);
  return { train: eventsToInteractions(train, { asOf: cutoff }), test: eventsToInteractions(test, { asOf: cutoff }) };
}
