import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_CONFIDENCE } from '../models/recommender/confidence.ts';
import { buildInteractions } from './build-feature-tables.ts';
import { readItineraryCatalogue } from './recommender-catalogue.ts';
import { chDateTime, queryRows } from './warehouse-query.ts';
import { pipelineFixture } from '../test/support/pipeline-fixture.ts';

/**
 * The recommender's catalogue is read when it is trained from a build: an itinerary's price per traveller (what
 * budget rules compare with) is the median of the bookings known before the build's as-of, so retraining from the
 * same build after more bookings were made gives the same catalogue, hence the same model. It read every booking
 * in the warehouse, those made after the build among them.
 */
const DAY = 86_400_000;
const PRICE_PER_TRAVELLER = 1_000_000;

describe('the recommender catalogue as of a build', () => {
  let client: ClickHouseClient;
  const asOf = new Date('2025-03-01T00:00:00Z');
  let itinerary: { id: number; destination_id: number; customer_id: string; bookings: number };
  let nextId = 950_000;

  before(async () => {
    ({ client } = await pipelineFixture('recommender_catalogue', { customers: 200, years: 2 }));
    await buildInteractions(client, asOf, DEFAULT_CONFIDENCE);
    // The itinerary booked most before the as-of: its median has the most bookings behind it.
    [itinerary] = await queryRows<typeof itinerary>(
      client,
      `SELECT assumeNotNull(itinerary_id) AS id, any(destination_id) AS destination_id, toString(any(customer_id)) AS customer_id, count() AS bookings
       FROM bookings FINAL WHERE itinerary_id IS NOT NULL AND booked_at < {asOf:DateTime64(6, 'UTC')}
       GROUP BY itinerary_id ORDER BY bookings DESC, id LIMIT 1`,
      { asOf: chDateTime(asOf) },
    );
    assert.ok(itinerary && Number(itinerary.bookings) > 0, 'the world has bookings before the as-of');
  });

  /** As many bookings as the itinerary had, all at a price far above any other, made at `at`: enough to move a median. */
  const expensiveBookings = async (at: Date, extra: Record<string, unknown> = {}) => {
    const values = Array.from({ length: Number(itinerary.bookings) + 1 }, () => ({
      id: ++nextId,
      quotation_id: null,
      customer_id: Number(itinerary.customer_id),
      itinerary_id: itinerary.id,
      departure_id: null,
      destination_id: itinerary.destination_id,
      departure_date: new Date(at.getTime() + 60 * DAY).toISOString().slice(0, 10),
      party_size: 2,
      status: 'confirmed',
      channel: 'web',
      country: 'US',
      total_price: 2 * PRICE_PER_TRAVELLER,
      total_cost: 1000,
      currency: 'USD',
      booked_at: chDateTime(at),
      source: 'app',
      created_at: chDateTime(at),
      updated_at: chDateTime(at),
      ...extra,
    }));
    await client.insert({ table: 'bookings', values, format: 'JSONEachRow' });
  };

  const priceOf = async (readAsOf?: Date) => (await readItineraryCatalogue(client, readAsOf)).items.find((i) => Number(i.itemId) === itinerary.id)?.price;

  it('prices an itinerary from the bookings known before the as-of of the interactions it is trained with', async () => {
    const before = await priceOf();
    assert.ok(before !== undefined && before < PRICE_PER_TRAVELLER, `a price from the world's bookings, got ${before}`);
    assert.equal(await priceOf(asOf), before, "by default, the interactions table's as-of");
    // Bookings made after the build, and an import after it of a booking made before (the company learnt of it then).
    await expensiveBookings(new Date(asOf.getTime() + DAY));
    await expensiveBookings(new Date(asOf.getTime() - DAY), { source: 'import:1', created_at: chDateTime(new Date(asOf.getTime() + DAY)) });
    assert.equal(await priceOf(), before, 'bookings known after the as-of do not move the price');
    assert.equal(await priceOf(asOf), before);
  });

  it('moves the price with bookings known before the as-of (the comparison can fail)', async () => {
    const before = await priceOf();
    await expensiveBookings(new Date(asOf.getTime() - DAY));
    const after = await priceOf();
    assert.ok(after !== undefined && before !== undefined && after > before, `${before} → ${after}`);
  });
});
