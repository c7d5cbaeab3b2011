import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { CustomerSegmenter } from '../models/segmentation/customer-segmenter.ts';
import { customerFeaturesFor, customerFeaturesSql, CUSTOMER_FEATURE_SETTINGS } from './customer-features.ts';
import { CUSTOMER_FEATURE_NAMES } from './customer-history.ts';
import { outsideRange, PRICE_FEATURE_NAMES, PRICE_FEATURES, type KnownQuoteFacts } from './price-feature-definitions.ts';
import { departureFeaturesAsOf } from './departure-features-online.ts';
import { knownPriceFeatures } from './price-features-known.ts';
import type { CostedComponent } from './cost-basis.ts';
import { PRICE_FEATURE_SETTINGS, priceFeatureSql, WAREHOUSE_QUOTES } from './price-feature-sql.ts';
import { priceFeaturesForQuote } from './price-features-online.ts';
import type { SegmentAssigner } from './customer-segment.ts';
import { priceFeatureValues, type PriceFeatureRow } from './price-feature-values.ts';
import { nanIfNull, parseChDateTime, queryRows } from './warehouse-query.ts';
import { pipelineFixture } from '../test/support/pipeline-fixture.ts';

describe('price features of a new quotation (serving)', () => {
  let client: ClickHouseClient;
  let segmenter: CustomerSegmenter;
  let segmentation: SegmentAssigner;
  let rows: PriceFeatureRow[];
  let all: PriceFeatureRow[];

  before(async () => {
    ({ client } = await pipelineFixture('online_price', { customers: 300, years: 2 }));
    const customers = await queryRows<Record<string, number | null>>(client, customerFeaturesSql(), { asOf: '2025-07-01 00:00:00' }, CUSTOMER_FEATURE_SETTINGS);
    segmenter = await new CustomerSegmenter({ seed: 1, maxSegments: 4 }).fit({
      customerIds: customers.map((c) => Number(c.customer_id)),
      featureNames: CUSTOMER_FEATURE_NAMES,
      rows: customers.map((c) => CUSTOMER_FEATURE_NAMES.map((n) => nanIfNull(c[n]))),
    });
    segmentation = { version: 'segmentation-000001', model: segmenter };
    all = await queryRows<PriceFeatureRow>(client, `SELECT * FROM (${priceFeatureSql(WAREHOUSE_QUOTES)}) WHERE accepted = 1 ORDER BY quotation_id`, {}, PRICE_FEATURE_SETTINGS);
    // Spread over the history: early quotations (little known), late ones, returning customers.
    rows = [0.05, 0.3, 0.55, 0.8, 0.97].map((f) => all[Math.floor(f * (all.length - 1))]);
  });

  it('computes what the training rows hold for the same quotation at the same moment', async () => {
    const batch = priceFeatureValues(rows, segmentation);
    for (const [i, row] of rows.entries()) {
      const online = await priceFeaturesForQuote(
        client,
        {
          itineraryId: Number(row.itinerary_id),
          departureDate: String(row.departure_date),
          partySize: Number(row.group_size),
          quotedAt: parseChDateTime(String(row.quoted_at)),
          customerId: Number(row.customer_id),
          costTotal: Number(row.cost),
        },
        { segmentation },
      );
      assert.deepEqual(Object.keys(online.values), [...PRICE_FEATURE_NAMES]);
      for (const name of PRICE_FEATURE_NAMES) {
        const a = online.values[name];
        const b = batch[i].values[name];
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `quotation ${row.quotation_id}, ${name}: online ${a}, training ${b}`);
      }
      assert.deepEqual(online.defaulted, batch[i].defaulted);
      assert.equal(online.cost, Number(row.cost));
      assert.match(online.snapshotId, /^price-features-v1\+segmentation-000001@no-ingest$/);
    }
  });

  it('holds every value of every training row within its feature’s declared range, so a replay is never refused', () => {
    const values = priceFeatureValues(all, segmentation);
    assert.ok(values.length > 100, `${values.length} rows`);
    for (const [i, row] of values.entries()) {
      for (const feature of PRICE_FEATURES) {
        const wrong = outsideRange(feature, row.values[feature.name]);
        assert.equal(wrong, undefined, `quotation ${all[i].quotation_id}, ${feature.name} ${wrong}`);
      }
    }
  });

  it('assigns the customer’s segment from their history as of the quote', async () => {
    const row = rows[4];
    const quotedAt = parseChDateTime(String(row.quoted_at));
    const customer = await customerFeaturesFor(client, Number(row.customer_id), quotedAt);
    assert.ok(customer?.hasHistory, 'a late quotation of a returning customer');
    const expected = segmenter.predict([segmenter.featureNames.map((n) => customer!.values[n])])[0];
    const online = await priceFeaturesForQuote(client, { itineraryId: Number(row.itinerary_id), departureDate: String(row.departure_date), partySize: 2, quotedAt, customerId: Number(row.customer_id) }, { segmentation });
    assert.equal(online.values.customer_segment, expected);
    assert.ok(!online.defaulted.includes('customer_segment'));
  });

  it('gives a walk-in the defaults, says so, and estimates the cost when none is given', async () => {
    const row = rows[2];
    const online = await priceFeaturesForQuote(client, { itineraryId: Number(row.itinerary_id), departureDate: String(row.departure_date), partySize: 3, quotedAt: parseChDateTime(String(row.quoted_at)) }, { segmentation });
    assert.equal(online.values.customer_segment, -1);
    assert.ok(online.defaulted.includes('customer_segment'));
    assert.ok(online.defaulted.includes('cost'));
    assert.ok(online.cost > 0 && Number.isFinite(online.cost));
    assert.equal(online.values.group_size, 3);
    assert.equal(online.snapshotId, 'price-features-v1+segmentation-000001@no-ingest');
    const unsegmented = await priceFeaturesForQuote(client, { itineraryId: Number(row.itinerary_id), departureDate: String(row.departure_date), partySize: 3, quotedAt: parseChDateTime(String(row.quoted_at)) });
    assert.equal(unsegmented.snapshotId, 'price-features-v1+no-segmentation@no-ingest');
  });

  it('names the data it was computed from once the ingest has run', async () => {
    await client.insert({ table: 'ingest_positions', values: [{ table_name: 'bookings', change_xid: 1234, row_key: '1', rows_total: 1, run_id: 'r', saved_at: '2025-07-01 01:02:03.000000' }], format: 'JSONEachRow' });
    const row = rows[1];
    const online = await priceFeaturesForQuote(client, { itineraryId: Number(row.itinerary_id), departureDate: String(row.departure_date), partySize: 2, quotedAt: parseChDateTime(String(row.quoted_at)) });
    assert.equal(online.snapshotId, 'price-features-v1+no-segmentation@2025-07-01T01:02:03.000000Z');
  });

  it('computes in memory, by each definition’s online part, what the point-in-time SQL row holds for the same quotation', async () => {
    // What the API holds in memory (its catalogue and the departure table of the quote's hour), read here from the warehouse.
    const itineraries = await queryRows<{ id: number; destination_id: number; duration_days: number; service_level: string }>(client, 'SELECT id, destination_id, duration_days, service_level FROM itineraries FINAL');
    const components = await queryRows<{ itinerary_id: number; kind: string; unit: string; unit_cost: string; unit_capacity: number | null; nights: number }>(
      client,
      'SELECT itinerary_id, kind, unit, toString(unit_cost) AS unit_cost, unit_capacity, nights FROM itinerary_components FINAL',
    );
    const departures = await queryRows<{ destination_id: number; day: string }>(
      client,
      'SELECT i.destination_id AS destination_id, toString(d.departure_date) AS day FROM departures AS d FINAL INNER JOIN itineraries AS i FINAL ON i.id = d.itinerary_id',
    );
    const componentsOf = (id: number): CostedComponent[] =>
      components.filter((c) => Number(c.itinerary_id) === id).map((c) => ({ kind: c.kind, unit: c.unit, unitCost: Number(c.unit_cost), unitCapacity: c.unit_capacity === null ? null : Number(c.unit_capacity), nights: Number(c.nights) }));
    const all = await queryRows<PriceFeatureRow>(client, `SELECT * FROM (${priceFeatureSql(WAREHOUSE_QUOTES)}) ORDER BY quotation_id`, {}, PRICE_FEATURE_SETTINGS);
    // Across the history; the last two as walk-ins, whose segment the request alone settles.
    const sample = [0.1, 0.25, 0.4, 0.6, 0.75, 0.9, 0.97, 0.99].map((f, k) => ({ row: all[Math.floor(f * (all.length - 1))], walkIn: k >= 6 }));
    let departuresSeen = 0;
    for (const { row, walkIn } of sample) {
      const quotedAt = parseChDateTime(String(row.quoted_at));
      const itinerary = itineraries.find((i) => Number(i.id) === Number(row.itinerary_id))!;
      const departureFeatures = await departureFeaturesAsOf(client, quotedAt);
      if (departureFeatures.departures.has(`${row.itinerary_id}|${row.departure_date}`)) departuresSeen++;
      const facts: KnownQuoteFacts = {
        departureDate: String(row.departure_date),
        partySize: Number(row.group_size),
        quotedAt,
        cost: Number(row.cost),
        customerId: walkIn ? undefined : Number(row.customer_id),
        itinerary: { itineraryId: Number(itinerary.id), destinationId: Number(itinerary.destination_id), durationDays: Number(itinerary.duration_days), serviceLevel: itinerary.service_level, components: componentsOf(Number(itinerary.id)) },
        departuresOfDestinationBetween: (destinationId, from, to) => departures.filter((d) => Number(d.destination_id) === destinationId && d.day >= from && d.day <= to).length,
        departureFeatures,
      };
      const online = knownPriceFeatures(facts);
      const [sql] = priceFeatureValues([walkIn ? { ...row, customer_id: 0, customer_avg_group_size: null } : row], segmentation);
      const where = `quotation ${row.quotation_id}${walkIn ? ' as a walk-in' : ''}`;
      for (const name of PRICE_FEATURE_NAMES) {
        if (!(name in online.values)) continue;
        const a = online.values[name];
        const b = sql.values[name];
        assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${where}, ${name}: in memory ${a}, SQL ${b}`);
        assert.equal(online.defaulted.includes(name), sql.defaulted.includes(name), `${where}, ${name}: defaulted in memory ${online.defaulted.includes(name)}, SQL ${sql.defaulted.includes(name)}`);
      }
      // Only the customer's history is left to the warehouse.
      assert.deepEqual(PRICE_FEATURE_NAMES.filter((name) => !(name in online.values)), walkIn ? [] : ['customer_segment'], where);
    }
    assert.ok(departuresSeen > 0, 'some quotations are for a scheduled departure');
  });

  it('refuses bad input with the field at fault', async () => {
    const good = { itineraryId: Number(rows[0].itinerary_id), departureDate: '2030-01-10', partySize: 2, quotedAt: '2030-01-01' };
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...good, itineraryId: undefined }, 'itineraryId', /itineraryId is required/],
      [{ ...good, partySize: -2 }, 'partySize', /partySize must be a whole number from 1 to 200/],
      [{ ...good, partySize: 2.5 }, 'partySize', /whole number/],
      [{ ...good, departureDate: undefined }, 'departureDate', /required/],
      [{ ...good, departureDate: '2030-13-45' }, 'departureDate', /must be a date/],
      [{ ...good, departureDate: '2029-12-31' }, 'departureDate', /before the quotation date/],
      [{ ...good, quotedAt: 'yesterday' }, 'quotedAt', /must be a date/],
      [{ ...good, customerId: 'C12' }, 'customerId', /customerId must be a whole number/],
      [{ ...good, costTotal: 0 }, 'costTotal', /positive amount/],
    ];
    for (const [input, field, message] of cases) {
      await assert.rejects(priceFeaturesForQuote(client, input as never), (err: unknown) => err instanceof InputError && err.field === field && message.test(err.message), `${field}: ${JSON.stringify(input)}`);
    }
    await assert.rejects(priceFeaturesForQuote(client, { ...good, itineraryId: 99_999 }), (err: unknown) => err instanceof NotFoundError && err.field === 'itineraryId');
  });
});
