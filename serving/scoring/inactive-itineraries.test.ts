import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SERVED_RULES } from '../../models/recommender/evaluation.ts';
import { BEFORE_JULY_2027, itineraryCatalogue, recommendationContext, servedRecommender } from '../../test/worlds/recommendation-serving.ts';
import { recommendItineraries } from './recommendations.ts';
import { similarItineraries } from './similar-itineraries.ts';

/**
 * An itinerary the catalogue holds as inactive is not sold: the served answers leave it out as the batch scoring
 * does (found by a review: it was recommended and offered as similar, so served answers differed from the batch's).
 */
const { interactions, items, model } = await servedRecommender({ customers: 200, itineraries: 40, eventsPerCustomer: 6, seed: 9 });
const customer = interactions[0].userId;

/** What the customer would be offered first, and what is most like their first trip: withdrawn from sale. */
const liked = model.interactedItems(customer)[0];
const inactive = new Set([...model.recommend(customer, 2, SERVED_RULES).map((r) => r.itemId), ...model.similarItems(liked, 2).map((s) => s.itemId)]);

const catalogue = await itineraryCatalogue(items, { active: (itemId) => !inactive.has(itemId), now: BEFORE_JULY_2027 });
const ctx = recommendationContext(model, catalogue, { availableItineraries: async () => items.map((i) => i.itemId), bookedItineraries: async () => [], customerCountry: async () => 'DE' });

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
