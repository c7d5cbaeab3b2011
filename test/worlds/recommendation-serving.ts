import type pg from 'pg';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import type { ServingContext } from '../../serving/context.ts';
import { createApiMetrics } from '../../serving/metrics/api-metrics.ts';
import { OnlineCatalogue } from '../../serving/online/catalogue.ts';
import { MemoryFeatureCache } from '../../serving/online/memory-cache.ts';
import { OnlineFeatures } from '../../serving/online/online-features.ts';
import type { ServingSources } from '../../serving/online/sources.ts';
import { bookingSystemSources, type BookingSystemSources } from '../../serving/online/booking-system-sources.ts';
import { quietLog } from '../support/services.ts';
import { travelWorld, worldHoldout, type TravelWorldOptions } from './travel-world.ts';

/**
 * What the recommendation tests of serving/scoring serve from: a small travel world's recommender, its itineraries as
 * the catalogue in memory holds them, and a serving context around both with the sources a test chooses.
 */

// Served models know customers and itineraries by their warehouse ids as text.
const numeric = (id: string) => String(Number(id.replace(/\D/g, '')));

export async function servedRecommender(options: TravelWorldOptions) {
  const world = travelWorld(options);
  const interactions = worldHoldout(world, new Date('2030-01-01T00:00:00Z')).train.map((e) => ({ ...e, userId: numeric(e.userId), itemId: numeric(e.itemId) }));
  // An itinerary's theme is the first word of its name ("Sacred Valley 4D superior": Sacred).
  const items = world.items.map((i) => ({ ...i, itemId: numeric(i.itemId), themes: [i.name!.split(' ')[0]] }));
  const model = await new ItineraryRecommender({ seed: 1, iterations: 3, workers: 1 }).fit({ interactions, items });
  return { interactions, items, model };
}

type Item = Awaited<ReturnType<typeof servedRecommender>>['items'][number];

export interface CatalogueDeparture {
  id: number;
  itineraryId: number;
  date: string;
  capacity: number;
  seatsSold: number;
  status: string;
}

/**
 * A clock held on 1 July 2027 (noon in Lima), for worlds whose departures and windows are set in July 2027: what has
 * left is judged by the catalogue's clock, so with it the fixtures stay ahead of "today" whatever the date of the run.
 */
export const BEFORE_JULY_2027 = (): number => Date.parse('2027-07-01T17:00:00Z');

/** The catalogue in memory over the world's itineraries, started; `departures` is read again on every load. */

export async function itineraryCatalogue(
  items: readonly Item[],
  options: { active?: (itemId: string) => boolean; departures?: () => CatalogueDeparture[]; now?: () => number } = {},
): Promise<OnlineCatalogue> {
  const destinations = [...new Set(items.map((i) => i.destination!))];
  const catalogue = new OnlineCatalogue(
    {
      catalogue: async () => ({
        itineraries: items.map((i) => ({
          itineraryId: Number(i.itemId), code: `IT${i.itemId}`, name: i.name!, destinationId: destinations.indexOf(i.destination!) + 1, destinationCode: i.destination!,
          destinationName: i.destination!, serviceLevel: i.serviceLevel!, durationDays: i.durationDays!, themes: i.themes, active: options.active?.(i.itemId) ?? true, priceFrom: i.price ?? null,
        })),
        components: [],
        departures: options.departures?.() ?? [],
      }),
      departureFeatures: async (asOf: Date) => ({ asOf, departures: new Map(), destinationMonths: new Map() }),
    } as unknown as ServingSources,
    quietLog,
    0,
    options.now,
  );
  await catalogue.start();
  return catalogue;
}

/**
 * A serving context for recommendItineraries: the model as champion, every customer consenting unless told. The
 * booking system is `bookingSystem`, else the one in `pg`, else one that does not answer.
 */
export function recommendationContext(
  model: ItineraryRecommender,
  catalogue: OnlineCatalogue,
  sources: Partial<ServingSources>,
  options: { timeoutMs?: number; now?: () => number; pg?: pg.Pool; bookingSystem?: Partial<BookingSystemSources>; consent?: { allows: (id: number) => boolean; known: boolean } } = {},
): ServingContext {
  const metrics = createApiMetrics();
  const timeoutMs = options.timeoutMs ?? 1000;
  const away = async (): Promise<never> => {
    throw new Error('the booking system is away');
  };
  const bookingSystem: BookingSystemSources = {
    ...(options.pg ? bookingSystemSources(options.pg, metrics, quietLog) : { bookedNow: away, availableItineraries: away, customerCountry: away, newCustomerCountry: away }),
    ...options.bookingSystem,
  };
  return {
    settings: { featureTimeoutMs: timeoutMs },
    champions: { get: () => ({ model, version: 'recommender-000001' }) },
    online: new OnlineFeatures(new MemoryFeatureCache(1000, options.now), timeoutMs, metrics, quietLog),
    catalogue,
    sources,
    bookingSystem,
    pg: options.pg,
    consent: options.consent ?? { allows: () => true, known: true },
    metrics,
  } as unknown as ServingContext;
}
