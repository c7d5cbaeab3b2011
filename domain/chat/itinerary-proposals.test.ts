import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rankProposals } from './itinerary-proposals.ts';

const itinerary = (itineraryId: number, serviceLevel: string) => ({ itineraryId, code: `i${itineraryId}`, name: `Itinerary ${itineraryId}`, serviceLevel, days: 4 });
const catalogue = [itinerary(1, 'luxury'), itinerary(2, 'standard'), itinerary(3, 'superior')];

test('the recommender’s order goes first, within the service level the customer asked for (found by a review)', () => {
  const recommended = [{ itineraryId: 3, destinationCode: 'cusco' }, { itineraryId: 2, destinationCode: 'cusco' }];
  assert.deepEqual(rankProposals(catalogue, recommended).map((p) => [p.itineraryId, p.source]), [[3, 'recommender'], [2, 'recommender'], [1, 'catalogue']]);
  // "lo más barato posible": standard asked, the superior trip the customer's history prefers comes after.
  assert.deepEqual(rankProposals(catalogue, recommended, 'standard').map((p) => p.itineraryId), [2, 3, 1]);
  assert.deepEqual(rankProposals(catalogue, recommended, 'luxury').map((p) => p.itineraryId), [1, 3, 2]);
});

test('trips within a stated budget go first, before the asked level and the recommender; each part keeps its order', () => {
  const recommended = [{ itineraryId: 3, destinationCode: 'cusco' }, { itineraryId: 2, destinationCode: 'cusco' }];
  assert.deepEqual(rankProposals(catalogue, recommended, 'luxury', new Set([2])).map((p) => p.itineraryId), [2, 1, 3]);
  assert.deepEqual(rankProposals(catalogue, recommended, null, new Set([1, 2])).map((p) => p.itineraryId), [2, 1, 3]);
  assert.deepEqual(rankProposals(catalogue, [], null, new Set()).map((p) => p.itineraryId), [1, 2, 3], 'nothing fits: the order without a budget');
});
