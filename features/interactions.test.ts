import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { DEFAULT_CONFIDENCE, eventsToInteractions, type CustomerEvent } from '../models/recommender/confidence.ts';
import { bookingsBetween, interactionsAsOf } from './interactions.ts';
import { parseChDateTime, queryRows } from './warehouse-query.ts';
import { pipelineFixture } from '../test/support/pipeline-fixture.ts';

/**
 * The warehouse computes the recommender's confidence weights in SQL; the model defines them in TypeScript
 * (eventsToInteractions). Here the events are read straight from the booking tables and weighted by the model's
 * code: both must give the same pairs, weights, strongest kinds and last times.
 */
describe('interactions in ClickHouse', () => {
  let client: ClickHouseClient;
  const asOf = new Date('2025-03-01T00:00:00Z');

  before(async () => {
    ({ client } = await pipelineFixture('interactions', { customers: 300, years: 2 }));
  });

  async function eventsBefore(at: Date): Promise<CustomerEvent[]> {
    const params = { at: at.toISOString().replace('T', ' ').replace('Z', '') };
    // Aliases differ from the columns: ClickHouse would otherwise compare the text in WHERE.
    const bookings = await queryRows<{ customer_id: string; itinerary_id: number; t: string }>(
      client,
      `SELECT customer_id, itinerary_id, toString(booked_at) AS t FROM bookings FINAL WHERE booked_at < {at:DateTime64(6, 'UTC')}`,
      params,
    );
    const cancellations = await queryRows<{ customer_id: string; itinerary_id: number; at: string }>(
      client,
      `SELECT b.customer_id AS customer_id, b.itinerary_id AS itinerary_id, toString(greatest(min(h.changed_at), any(b.booked_at))) AS at
       FROM booking_status_history AS h FINAL INNER JOIN bookings AS b FINAL ON b.id = h.booking_id
       WHERE h.status = 'cancelled' GROUP BY b.id, b.customer_id, b.itinerary_id HAVING parseDateTime64BestEffort(at, 6, 'UTC') < {at:DateTime64(6, 'UTC')}`,
      params,
    );
    const quotations = await queryRows<{ customer_id: string; itinerary_id: number; t: string }>(
      client,
      `SELECT customer_id, itinerary_id, toString(quoted_at) AS t FROM quotations FINAL WHERE quoted_at < {at:DateTime64(6, 'UTC')}`,
      params,
    );
    const ratings = await queryRows<{ customer_id: string; itinerary_id: number; score: number; t: string }>(
      client,
      `SELECT customer_id, itinerary_id, score, toString(rated_at) AS t FROM ratings FINAL WHERE rated_at < {at:DateTime64(6, 'UTC')}`,
      params,
    );
    const event = (kind: CustomerEvent['kind'], r: { customer_id: string; itinerary_id: number }, ts: string, rating?: number): CustomerEvent => ({
      userId: String(r.customer_id),
      itemId: String(r.itinerary_id),
      kind,
      rating,
      ts: parseChDateTime(ts),
    });
    return [
      ...bookings.map((r) => event('booking', r, r.t)),
      ...cancellations.map((r) => event('cancellation', r, r.at)),
      ...quotations.map((r) => event('quotation', r, r.t)),
      ...ratings.map((r) => event('rating', r, r.t, r.score)),
    ];
  }

  it('gives the recommender’s own weights, kinds and times for every pair', async () => {
    const events = await eventsBefore(asOf);
    assert.ok(events.some((e) => e.kind === 'cancellation') && events.some((e) => e.kind === 'rating' && e.rating! <= 2), 'the world has cancellations and poor ratings');
    const expected = new Map(eventsToInteractions(events, { asOf }).map((i) => [`${i.userId}/${i.itemId}`, i]));
    const actual = await interactionsAsOf(client, asOf, DEFAULT_CONFIDENCE);
    assert.equal(actual.length, expected.size);
    for (const got of actual) {
      const want = expected.get(`${got.userId}/${got.itemId}`);
      assert.ok(want, `pair ${got.userId}/${got.itemId} should not be there`);
      assert.ok(Math.abs(got.weight - want.weight) <= 1e-9 * want.weight, `${got.userId}/${got.itemId}: ${got.weight} vs ${want.weight}`);
      assert.equal(got.kind, want.kind, `${got.userId}/${got.itemId}`);
      assert.equal(got.ts, want.ts);
      // When the customer first turned to the itinerary: the recommender's validation split orders by it.
      assert.equal(typeof got.firstTs, 'number');
      assert.equal(got.firstTs, want.firstTs, `${got.userId}/${got.itemId} first event`);
    }
    assert.ok(actual.some((i) => (i.firstTs as number) < (i.ts as number)), 'some pairs sum events on different days');
  });

  it('leaves out a booking once its cancellation is known, and counts it before', async () => {
    const [{ item }] = await queryRows<{ item: number }>(
      client,
      `SELECT min(id) AS item FROM itineraries FINAL WHERE id NOT IN (SELECT itinerary_id FROM quotations FINAL WHERE customer_id = 1)`,
    );
    const stamp = (day: string) => `${day} 10:00:00`;
    await client.insert({
      table: 'bookings',
      values: [{ id: 990_001, quotation_id: null, customer_id: 1, itinerary_id: item, departure_id: null, destination_id: null, departure_date: '2025-05-01', party_size: 2, status: 'cancelled', channel: 'web', country: 'US', total_price: 2000, total_cost: 1500, currency: 'USD', booked_at: stamp('2025-01-10'), source: 'app', created_at: stamp('2025-01-10'), updated_at: stamp('2025-01-20') }],
      format: 'JSONEachRow',
    });
    await client.insert({
      table: 'booking_status_history',
      values: [{ id: 990_001, booking_id: 990_001, status: 'cancelled', reason: 'test', changed_at: stamp('2025-01-20'), created_at: stamp('2025-01-20'), updated_at: stamp('2025-01-20') }],
      format: 'JSONEachRow',
    });
    const pair = (list: Awaited<ReturnType<typeof interactionsAsOf>>) => list.find((i) => i.userId === '1' && i.itemId === String(item));
    const beforeCancel = pair(await interactionsAsOf(client, new Date('2025-01-15T00:00:00Z'), DEFAULT_CONFIDENCE));
    assert.equal(beforeCancel?.kind, 'booking');
    assert.ok(Math.abs(beforeCancel!.weight - 5 * 0.5 ** (4.583333333333333 / 365)) < 1e-9, `weight ${beforeCancel?.weight}`);
    assert.equal(pair(await interactionsAsOf(client, asOf, DEFAULT_CONFIDENCE)), undefined);
  });

  it('lists the bookings of a window as evaluation targets', async () => {
    const from = new Date('2025-01-01T00:00:00Z');
    const targets = await bookingsBetween(client, from, asOf);
    const [{ n }] = await queryRows<{ n: string }>(client, `SELECT count() AS n FROM bookings FINAL WHERE booked_at >= '2025-01-01' AND booked_at < '2025-03-01'`);
    assert.equal(targets.length, Number(n));
    assert.ok(targets.length > 0 && targets.every((t) => t.weight === 1 && (t.ts as number) >= from.getTime() && (t.ts as number) < asOf.getTime()));
  });
});
