import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quietLog } from '../../test/support/services.ts';
import { OnlineCatalogue } from './catalogue.ts';
import type { CatalogueRows, ServingSources } from './sources.ts';

const HOUR_MS = 3_600_000;

const rows: CatalogueRows = {
  itineraries: [
    { itineraryId: 1, code: 'a', name: 'Cusco 4 days', destinationId: 7, destinationCode: 'cusco', destinationName: 'Cusco', serviceLevel: 'luxury', durationDays: 4, themes: ['culture'], active: true, priceFrom: 900 },
    { itineraryId: 2, code: 'b', name: 'Cusco 5 days', destinationId: 7, destinationCode: 'cusco', destinationName: 'Cusco', serviceLevel: 'standard', durationDays: 5, themes: ['culture'], active: true, priceFrom: null },
  ],
  components: [{ itineraryId: 1, kind: 'hotel', unit: 'per_room', unitCost: 100, unitCapacity: 2, nights: 3 }],
  departures: [
    { id: 10, itineraryId: 1, date: '2027-03-01', capacity: 16, seatsSold: 13, status: 'scheduled' },
    { id: 11, itineraryId: 2, date: '2027-03-08', capacity: 16, seatsSold: 0, status: 'cancelled' },
    { id: 12, itineraryId: 1, date: '2027-03-16', capacity: 16, seatsSold: 2, status: 'scheduled' },
  ],
};

function sources(failures: number, asked: { catalogue: number; features: Date[]; departuresFrom?: string[] }): ServingSources {
  return {
    catalogue: async (departuresFrom: string) => {
      asked.catalogue++;
      asked.departuresFrom?.push(departuresFrom);
      if (asked.catalogue <= failures) throw new Error('warehouse not reachable');
      return rows;
    },
    departureFeatures: async (asOf: Date) => (asked.features.push(asOf), { asOf, departures: new Map(), destinationMonths: new Map() }),
  } as unknown as ServingSources;
}

test('holds the catalogue: itineraries with components and departures by date, departures per destination in a window', async () => {
  const asked = { catalogue: 0, features: [] as Date[] };
  const catalogue = new OnlineCatalogue(sources(0, asked), quietLog, 0, () => Date.parse('2027-01-10T10:20:00Z'));
  await catalogue.start();
  assert.equal(catalogue.loaded, true);
  assert.deepEqual(catalogue.itinerary(1)?.departures.map((d) => d.id), [10, 12]);
  assert.equal(catalogue.itinerary(1)?.components.length, 1);
  assert.equal(catalogue.itinerary(3), undefined);
  // Every departure counts, whatever its status, as in the competition feature's SQL.
  assert.equal(catalogue.departuresOfDestinationBetween(7, '2027-03-01', '2027-03-08'), 2);
  assert.equal(catalogue.departuresOfDestinationBetween(7, '2027-03-02', '2027-03-15'), 1);
  assert.equal(catalogue.departuresOfDestinationBetween(8, '2027-01-05', '2027-12-31'), 0);
  assert.deepEqual(asked.features, [new Date('2027-01-10T10:00:00Z')], 'features as of the start of the hour');
  assert.ok(catalogue.featuresAsOf(new Date('2027-01-10T10:00:00Z')));
  assert.equal(catalogue.featuresAsOf(new Date('2027-01-10T09:00:00Z')), undefined, 'another hour is not answered from this one');
  catalogue.close();
});

test('counts departures only in windows it holds whole: one reaching before its first day is not known here (NaN), not 0', async () => {
  const asked = { catalogue: 0, features: [] as Date[], departuresFrom: [] as string[] };
  // 03:00 UTC on 10 March is still 9 March in Lima: the week held starts on Lima's 2 March.
  const catalogue = new OnlineCatalogue(sources(0, asked), quietLog, 0, () => Date.parse('2027-03-10T03:00:00Z'));
  await catalogue.start();
  assert.deepEqual(asked.departuresFrom, ['2027-03-02']);
  assert.equal(catalogue.departuresOfDestinationBetween(7, '2027-03-02', '2027-03-16'), 2);
  assert.ok(Number.isNaN(catalogue.departuresOfDestinationBetween(7, '2027-03-01', '2027-03-16')), 'a window from before the first day held');
  assert.ok(Number.isNaN(catalogue.departuresOfDestinationBetween(7, '2025-04-05', '2025-04-19')), 'a past departure');
  catalogue.close();
  const empty = new OnlineCatalogue(sources(1, { catalogue: 0, features: [] }), quietLog, 0);
  await empty.start();
  assert.ok(Number.isNaN(empty.departuresOfDestinationBetween(7, '2027-03-02', '2027-03-16')), 'nothing held');
});

test('is not loaded until the warehouse answers, and tries again within seconds rather than at the next refresh', async () => {
  const asked = { catalogue: 0, features: [] as Date[] };
  const catalogue = new OnlineCatalogue(sources(1, asked), quietLog, 10 * 60_000);
  await catalogue.start();
  assert.equal(catalogue.loaded, false);
  for (const deadline = Date.now() + 8000; !catalogue.loaded && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(catalogue.loaded, true);
  assert.equal(asked.catalogue, 2);
  catalogue.close();
});

test('a new hour brings its own features; the catalogue rows are read again on every refresh', async () => {
  const asked = { catalogue: 0, features: [] as Date[] };
  let now = Date.parse('2027-01-10T10:59:00Z');
  const catalogue = new OnlineCatalogue(sources(0, asked), quietLog, 0, () => now);
  await catalogue.start();
  await catalogue.refresh();
  assert.equal(asked.features.length, 1, 'the same hour is not computed again');
  assert.equal(asked.catalogue, 2);
  now += 2 * 60_000;
  assert.equal(catalogue.featuresAsOf(new Date(Math.floor(now / HOUR_MS) * HOUR_MS)), undefined, 'the new hour is not held yet');
  await catalogue.refresh();
  assert.ok(catalogue.featuresAsOf(new Date('2027-01-10T11:00:00Z')));
  assert.deepEqual(asked.features.map((d) => d.toISOString()), ['2027-01-10T10:00:00.000Z', '2027-01-10T11:00:00.000Z']);
  catalogue.close();
});

test('offers no seats on a departure that has left, though it holds the past week for the competition feature', async () => {
  const held: CatalogueRows = {
    ...rows,
    departures: [
      { id: 20, itineraryId: 1, date: '2027-03-08', capacity: 16, seatsSold: 2, status: 'scheduled' },
      { id: 21, itineraryId: 2, date: '2027-03-09', capacity: 16, seatsSold: 2, status: 'scheduled' },
    ],
  };
  // 03:00 UTC on 10 March is still 9 March in Lima: the departure of the 9th has not left yet.
  let now = Date.parse('2027-03-10T03:00:00Z');
  const catalogue = new OnlineCatalogue({ ...sources(0, { catalogue: 0, features: [] }), catalogue: async () => held }, quietLog, 0, () => now);
  await catalogue.start();
  assert.equal(catalogue.departuresOfDestinationBetween(7, '2027-03-08', '2027-03-09'), 2, 'both held');
  assert.deepEqual(catalogue.itinerariesWithSeats('2027-03-01', '2027-03-31'), ['2'], "the 8th's departure has left");
  now = Date.parse('2027-03-10T06:00:00Z');
  assert.deepEqual(catalogue.itinerariesWithSeats('2027-03-01', '2027-03-31'), [], "past midnight in Lima the 9th's has left too");
  catalogue.close();
});
