import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { customerFeaturesFor } from './customer-features.ts';
import { demandSeriesParams, demandSeriesSql } from './demand-series.ts';
import { interactionsAsOf } from './interactions.ts';
import { DEFAULT_CONFIDENCE } from '../models/recommender/confidence.ts';
import { PRICE_FEATURE_SETTINGS, priceFeatureSql, WAREHOUSE_QUOTES } from './price-feature-sql.ts';
import { chDateTime, parseChDateTime, queryRows } from './warehouse-query.ts';
import { pipelineFixture } from '../test/support/pipeline-fixture.ts';

/**
 * Point in time: a feature for a quotation made at D uses only what was known before D. Every as-of-D output
 * (the quotation's price features, the customer's features, interactions, demand series) is computed, then facts
 * dated after D are added of every kind the features read; the outputs must not move. A control fact dated before
 * D must move them, so the comparison can fail.
 */
type Row = Record<string, unknown>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Equal, but for floating-point sums: ClickHouse adds floats in whatever order its threads finish, so two runs on
 * the same facts can differ in the last bit. Anything beyond 1e-12 relative is a real difference.
 */
function sameValues(a: unknown, b: unknown, path = 'value'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    assert.ok(a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b)), `${path}: ${a} vs ${b}`);
  } else if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: keys differ`);
    for (const key of Object.keys(a)) sameValues((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
  } else {
    assert.equal(a, b, path);
  }
}

async function priceRow(client: ClickHouseClient, quotationId: number): Promise<Row> {
  const rows = await queryRows<Row>(
    client,
    `SELECT * FROM (${priceFeatureSql(WAREHOUSE_QUOTES)}) WHERE quotation_id = {id:UInt64}`,
    { id: quotationId },
    PRICE_FEATURE_SETTINGS,
  );
  assert.equal(rows.length, 1);
  return rows[0];
}

async function snapshot(client: ClickHouseClient, q: { quotation_id: number; customer_id: number }, at: Date) {
  const demand = await queryRows<Row>(client, `SELECT * FROM (${demandSeriesSql()}) ORDER BY frequency, series_id, date`, demandSeriesParams(at));
  return {
    price: await priceRow(client, q.quotation_id),
    customer: await customerFeaturesFor(client, q.customer_id, at),
    interactions: await interactionsAsOf(client, at, DEFAULT_CONFIDENCE),
    demand,
  };
}

describe('features as of a moment ignore what became known later', () => {
  let client: ClickHouseClient;
  let q: { quotation_id: number; customer_id: number; itinerary_id: number; destination_id: number; departure_date: string; quoted_at: string };
  let at: Date;
  let nextId = 900_000;

  before(async () => {
    ({ client } = await pipelineFixture('pit_features', { customers: 300, years: 2 }));
    // An accepted quotation in the middle of the history whose customer had booked before and whose departure
    // already had travellers: every part of the row is then computed from real history, not from a default.
    const candidates = await queryRows<typeof q>(
      client,
      `SELECT quotation_id, customer_id, itinerary_id, destination_id, toString(departure_date) AS departure_date, toString(quoted_at) AS quoted_at
       FROM (${priceFeatureSql(WAREHOUSE_QUOTES)})
       WHERE accepted = 1 AND NOT isNaN(customer_avg_group_size) AND NOT isNaN(customer_satisfaction) AND departure_load_factor > 0 AND empty(defaulted)
       ORDER BY quoted_at`,
      {},
      PRICE_FEATURE_SETTINGS,
    );
    assert.ok(candidates.length > 10, `the world should have quotations with full history, got ${candidates.length}`);
    q = candidates[Math.floor(candidates.length / 2)];
    at = parseChDateTime(q.quoted_at);
  });

  const booking = (id: number, bookedAt: number, extra: Row = {}) => ({
    id,
    quotation_id: null,
    customer_id: q.customer_id,
    itinerary_id: q.itinerary_id,
    departure_id: null,
    destination_id: q.destination_id,
    departure_date: q.departure_date,
    party_size: 3,
    status: 'confirmed',
    channel: 'web',
    country: 'US',
    total_price: 4000,
    total_cost: 3000,
    currency: 'USD',
    booked_at: chDateTime(new Date(bookedAt)),
    source: 'app',
    created_at: chDateTime(new Date(bookedAt)),
    updated_at: chDateTime(new Date(bookedAt)),
    ...extra,
  });

  it('gives the same rows after bookings, cancellations, ratings, quotations and imports dated after D', async () => {
    const before = await snapshot(client, q, at);
    const t = at.getTime();
    const later = t + HOUR;
    // A booking of the same customer on the same departure, a moment after the quote.
    await client.insert({ table: 'bookings', values: [booking(++nextId, later)], format: 'JSONEachRow' });
    // A booking made before D on this departure, cancelled after D (new row version and its status change).
    const [earlier] = await queryRows<Row>(
      client,
      `SELECT * EXCEPT (created_at, updated_at), toString(created_at) AS created_at FROM bookings FINAL
       WHERE itinerary_id = {it:UInt32} AND departure_date = {day:Date} AND booked_at < {at:DateTime64(6, 'UTC')} AND status != 'cancelled' LIMIT 1`,
      { it: q.itinerary_id, day: q.departure_date, at: chDateTime(at) },
    );
    assert.ok(earlier, 'the departure has a booking made before the quote');
    await client.insert({ table: 'bookings', values: [{ ...earlier, status: 'cancelled', updated_at: chDateTime(new Date(t + 2 * HOUR)) }], format: 'JSONEachRow' });
    await client.insert({
      table: 'booking_status_history',
      values: [{ id: ++nextId, booking_id: earlier.id, status: 'cancelled', reason: 'test', changed_at: chDateTime(new Date(t + 2 * HOUR)), created_at: chDateTime(new Date(t + 2 * HOUR)), updated_at: chDateTime(new Date(t + 2 * HOUR)) }],
      format: 'JSONEachRow',
    });
    // A poor rating and a new quotation by the customer after D.
    await client.insert({
      table: 'ratings',
      values: [{ id: ++nextId, booking_id: earlier.id, customer_id: q.customer_id, itinerary_id: q.itinerary_id, score: 1, comment: null, rated_at: chDateTime(new Date(t + 3 * HOUR)), created_at: chDateTime(new Date(t + 3 * HOUR)), updated_at: chDateTime(new Date(t + 3 * HOUR)) }],
      format: 'JSONEachRow',
    });
    await client.insert({
      table: 'quotations',
      values: [{ id: ++nextId, customer_id: q.customer_id, itinerary_id: q.itinerary_id, departure_id: null, departure_date: q.departure_date, party_size: 2, channel: 'web', status: 'sent', current_version: 1, cost_total: 1000, price_total: 1500, currency: 'USD', quoted_at: chDateTime(new Date(t + 60_000)), created_at: chDateTime(new Date(t + 60_000)), updated_at: chDateTime(new Date(t + 60_000)) }],
      format: 'JSONEachRow',
    });
    // An import after D of a booking made before D: the company could not know of it at D.
    await client.insert({ table: 'bookings', values: [booking(++nextId, t - 10 * DAY, { source: 'import:1', created_at: chDateTime(new Date(t + DAY)), updated_at: chDateTime(new Date(t + DAY)) })], format: 'JSONEachRow' });

    const after = await snapshot(client, q, at);
    sameValues(after.price, before.price, 'price');
    sameValues(after.customer, before.customer, 'customer');
    sameValues(after.interactions, before.interactions, 'interactions');
    sameValues(after.demand, before.demand, 'demand');
  });

  it('changes them when a fact dated before D is added (the comparison can fail)', async () => {
    const before = await snapshot(client, q, at);
    await client.insert({ table: 'bookings', values: [booking(++nextId, at.getTime() - 2 * DAY)], format: 'JSONEachRow' });
    const after = await snapshot(client, q, at);
    assert.equal(after.price.destination_popularity, (before.price.destination_popularity as number) + 1);
    assert.ok((after.price.departure_load_factor as number) > (before.price.departure_load_factor as number));
    assert.notEqual(after.price.customer_avg_group_size, before.price.customer_avg_group_size);
    assert.notDeepEqual(after.customer, before.customer);
    assert.notDeepEqual(after.interactions, before.interactions);
    assert.notDeepEqual(after.demand, before.demand);
  });

  it('keeps cost features in the quotation’s own money when today’s component prices change', async () => {
    const before = await priceRow(client, q.quotation_id);
    await client.command({
      query: `INSERT INTO itinerary_components (id, itinerary_id, kind, name, day_number, nights, unit, unit_cost, unit_capacity, currency, created_at, updated_at)
              SELECT id, itinerary_id, kind, name, day_number, nights, unit, unit_cost * 1.1, unit_capacity, currency, created_at, now64(6)
              FROM itinerary_components FINAL WHERE itinerary_id = {it:UInt32}`,
      query_params: { it: q.itinerary_id },
    });
    const after = await priceRow(client, q.quotation_id);
    for (const kind of ['hotel', 'transport', 'guide', 'service']) {
      const name = `cost_${kind}_per_pax`;
      const a = after[name] as number;
      const b = before[name] as number;
      assert.ok(Math.abs(a - b) <= 1e-3 * Math.max(1, b), `${name}: ${b} → ${a}`);
    }
    assert.equal(after.cost, before.cost);
  });
});
