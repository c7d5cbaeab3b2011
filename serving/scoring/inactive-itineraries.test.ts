import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';
import { quietLog } from '../../test/support/services.ts';
import type { ServingContext } from '../context.ts';
import { createApiMetrics } from '../metrics/api-metrics.ts';
import { MemoryFeatureCache } from '../online/memory-cache.ts';
import { OnlineFeatures } from '../online/online-features.ts';
import { OnlineCatalogue } from '../online/catalogue.ts';
import type { ServingSources } from '../online/sources.ts';
import { recommendItineraries } from './recommendations.ts';
import { similarItineraries } from './similar-itineraries.ts';

/**
 * An itinerary the catalogue holds as inactive is not sold: the served answers leave it out as the batch scoring
 * does (found by a review: it was recommended and offered as similar, so served answers differed from the batch's).
 */
const numeric = (id: string) => String(Number(id.replace(/\D/g, '')));
const world = travelWorld({ customers: 200, itineraries: 40, eventsPerCustomer: 6, seed: 9 });
const interactions = worldHoldout(world, new Date('2030-01-01T00:00:00Z')).train.map((e) => ({ ...e, userId: numeric(e.userId), itemId: numeric(e.itemId) }));
const items = world.items.map((i) => ({ ...i, itemId: numeric(i.itemId), themes: [i.name!.split(' ')[0]] }));
const model = await new ItineraryRecommender({ seed: 1, iterations: 3, workers: 1 }).fit({ interactions, items });
const customer = interactions[0].userId;

/** What the customer would be offered first, and what is most like their first trip: withdrawn from sale. */
const liked = model.interactedItems(customer)[0];
const inactive = new Set([...model.recommend(customer, 2, SERVED_RULES).map((r) => r.itemId), ...model.similarItems(liked, 2).map((s) => s.itemId)]);

const catalogue = new OnlineCatalogue(
  {
    catalogue: async () => ({
      itineraries: items.map((i) => ({
        itineraryId: Number(i.itemId), code: `IT${i.itemId}`, name: i.name!, destinationId: 1, destinationCode: i.destination!, destinationName: i.destination!,
        serviceLevel: i.serviceLevel!, durationDays: i.durationDays!, themes: i.themes, active: !inactive.has(i.itemId), priceFrom: i.price ?? null,
      })),
      components: [],
      departures: [],
    }),
    departureFeatures: async (asOf: Date) => ({ asOf, departures: new Map(), destinationMonths: new Map() }),
  } as unknown as ServingSources,
  quietLog,
  0,
);
await catalogue.start();

const metrics = createApiMetrics();
const ctx = {
  settings: { featureTimeoutMs: 1000 },
  champions: { get: () => ({ model, version: 'recommender-000001' }) },
  online: new OnlineFeatures(new MemoryFeatureCache(), 1000, metrics, quietLog),
  catalogue,
  sources: { availableItineraries: async () => items.map((i) => i.itemId), bookedItineraries: async () => [], customerCountry: async () => 'DE' },
  consent: { allows: () => true, known: true },
  metrics,
} as unknown as ServingContext;

test('recommendations leave out inactive itineraries', async () => {
  const { answer } = await recommendItineraries(ctx, { customerId: Number(customer), k: 5, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.items.length, 5);
  const offered = answer.items.map((item) => String(item.itineraryId));
  assert.deepEqual(offered.filter((id) => inactive.has(id)), [], `inactive ${[...inactive].join(', ')}`);
});

test('similar itineraries are k active ones', () => {
  const { answer } = similarItineraries(ctx, Number(liked), 4);
  assert.equal(answer.items.length, 4, 'k itineraries, the inactive ones left out before the cut');
  assert.ok(answer.items.every((item) => item.active && !inactive.has(String(item.itineraryId))), JSON.stringify(answer.items.map((i) => [i.itineraryId, i.active])));
});
