import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ItineraryInfo } from './catalogue.ts';
import { nearDuplicateOf, tripOf } from './near-duplicates.ts';

const card = (itemId: string, name: string, durationDays: number, destination = 'cusco'): ItineraryInfo => ({ itemId, name, destination, durationDays, themes: ['culture'] });

test('another length is the same trip at the same destination for another number of days, never a trip sharing a theme', () => {
  const info = [
    card('1', 'Classic Cusco & Machu Picchu (4 days, standard)', 4),
    card('2', 'Classic Cusco & Machu Picchu (5 days, superior)', 5),
    card('3', 'Inti Raymi Festival Experience (4 days, standard)', 4),
    card('4', 'Classic Cusco & Machu Picchu (4 days, luxury)', 4),
    card('5', 'Classic Cusco & Machu Picchu (5 days, standard)', 5, 'lima'),
  ];
  const tookClassic = [0];
  assert.equal(nearDuplicateOf(info, 1, tookClassic), 0, 'five days after four');
  // Both culture at Cusco, both 4 days: the festival was called "another length of" the classic tour.
  assert.equal(nearDuplicateOf(info, 2, tookClassic), -1);
  assert.equal(nearDuplicateOf(info, 3, tookClassic), -1, 'the same length at another level is not another length');
  assert.equal(nearDuplicateOf(info, 4, tookClassic), -1, 'another destination');
  assert.equal(tripOf('Sacred Valley 4D superior'), 'sacred valley');
  assert.equal(tripOf('Lima Gastronomy Tour (3 days, luxury)'), 'lima gastronomy tour');
  for (const name of ['Valle Sagrado 3 días estándar', 'Valle Sagrado 4-day superior', 'Valle Sagrado 4D/3N lujo']) assert.equal(tripOf(name), 'valle sagrado', name);
});
