import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ItineraryRecommender } from '../../models/recommender/recommender.ts';
import { NotFoundError } from '../../platform/errors.ts';
import { travelWorld, worldHoldout } from '../../test/worlds/travel-world.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, type TestDatabase } from '../../test/support/services.ts';
import type { ServingContext } from '../context.ts';
import { createApiMetrics } from '../metrics/api-metrics.ts';
import { MemoryFeatureCache } from '../online/memory-cache.ts';
import { OnlineFeatures } from '../online/online-features.ts';
import { OnlineCatalogue } from '../online/catalogue.ts';
import type { ServingSources } from '../online/sources.ts';
import { recommendItineraries } from './recommendations.ts';

/**
 * A customer id nobody has is 404 even when the warehouse does not answer in time: the booking system is asked
 * (found by a review: a timed-out lookup made an unknown customer a 200 with popular itineraries).
 */
const numeric = (id: string) => String(Number(id.replace(/\D/g, '')));
const world = travelWorld({ customers: 100, itineraries: 30, eventsPerCustomer: 6, seed: 3 });
const interactions = worldHoldout(world, new Date('2030-01-01T00:00:00Z')).train.map((e) => ({ ...e, userId: numeric(e.userId), itemId: numeric(e.itemId) }));
const items = world.items.map((i) => ({ ...i, itemId: numeric(i.itemId), themes: [i.name!.split(' ')[0]] }));
const model = await new ItineraryRecommender({ seed: 1, iterations: 3, workers: 1 }).fit({ interactions, items });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** New to the booking system: not yet in the warehouse, unknown to the model. */
const NEW_CUSTOMER = 90_002;
const NOBODY = 987_654_321;

let db: TestDatabase;
let ctx: ServingContext;
before(async () => {
  db = await freshDatabase(await embeddedPostgresUrl(), 'unknown_customer');
  await db.pool.query('CREATE TABLE customers (id bigint PRIMARY KEY)');
  await db.pool.query('INSERT INTO customers (id) VALUES ($1)', [NEW_CUSTOMER]);
  const catalogue = new OnlineCatalogue(
    {
      catalogue: async () => ({
        itineraries: items.map((i) => ({
          itineraryId: Number(i.itemId), code: `IT${i.itemId}`, name: i.name!, destinationId: 1, destinationCode: i.destination!, destinationName: i.destination!,
          serviceLevel: i.serviceLevel!, durationDays: i.durationDays!, themes: i.themes, active: true, priceFrom: i.price ?? null,
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
  ctx = {
    settings: { featureTimeoutMs: 50 },
    champions: { get: () => ({ model, version: 'recommender-000001' }) },
    online: new OnlineFeatures(new MemoryFeatureCache(), 50, metrics, quietLog),
    catalogue,
    pg: db.pool,
    sources: {
      availableItineraries: async () => items.map((i) => i.itemId),
      bookedItineraries: async () => [],
      // The warehouse, cold: the home market (which says whether it knows the customer) comes after the timeout.
      customerCountry: async () => (await sleep(300), null),
    },
    consent: { allows: () => true, known: true },
    metrics,
  } as unknown as ServingContext;
});
after(async () => db?.drop());

test('an id the booking system does not have is not found, although the warehouse did not answer in time', async () => {
  await assert.rejects(recommendItineraries(ctx, { customerId: NOBODY, k: 3, from: '2027-07-10', to: '2027-07-14' }), NotFoundError);
});

test('a customer the booking system has gets the cold-start list, the home market listed as defaulted', async () => {
  const { answer } = await recommendItineraries(ctx, { customerId: NEW_CUSTOMER, k: 3, from: '2027-07-10', to: '2027-07-14' });
  assert.equal(answer.items.length, 3);
  assert.equal(answer.personal, false);
  assert.deepEqual(answer.defaultedFeatures, ['home_market']);
});
