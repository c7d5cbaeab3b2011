import type { ClickHouseClient } from '@clickhouse/client';
import { PRICE_FEATURE_SETTINGS, priceFeatureSql } from './price-feature-sql.ts';
import { chDateTime, nanIfNull, queryRows } from './warehouse-query.ts';

/**
 * The price features that do not depend on the party or the customer — how popular the destination is, how busy
 * the departure month is, how full the departure is — for every departure from `asOf` on, and for every
 * destination and calendar month (a quote for a date with no departure), as of one moment. Computed by the one
 * SQL definition (price-feature-sql.ts), so a value read from here is the value a per-quote lookup gives for a
 * quote made at `asOf`. The API loads them before it reports ready, so these facts never wait on a cold cache.
 */
export interface DepartureFeatureTable {
  asOf: Date;
  /** `<itineraryId>|<YYYY-MM-DD>` → the departure's features. */
  departures: Map<string, DepartureFeatures>;
  /** `<destinationId>|<month>` → the destination's features for a departure in that month. */
  destinationMonths: Map<string, DepartureFeatures>;
}

export interface DepartureFeatures {
  destination_popularity: number;
  season_score: number;
  departure_load_factor: number;
  /** Of the three, those that took their stated fallback (too few bookings for a season, a departure without capacity). */
  defaulted: string[];
}

const KEY_BASE = 1_000_000_000;

/** One synthetic quote per departure from asOf on, and per destination × month; party and cost are irrelevant here. */
const QUOTES = `
  SELECT toUInt64(d.departure_id) AS row_key, toUInt64(0) AS customer_id, d.itinerary_id AS itinerary_id, d.departure_date AS departure_date,
    toUInt16(1) AS party_size, {asOf:DateTime64(6, 'UTC')} AS quoted_at, toFloat64(1) AS cost_total, toFloat64(0) AS price, toUInt8(0) AS accepted
  FROM departure_facts AS d WHERE d.departure_date >= toDate({asOf:DateTime64(6, 'UTC')})
  UNION ALL
  SELECT toUInt64(${KEY_BASE} + f.destination_id * 100 + m.number + 1) AS row_key, toUInt64(0) AS customer_id, toUInt32(f.itinerary_id) AS itinerary_id,
    makeDate(2100, toUInt8(m.number + 1), 1) AS departure_date, toUInt16(1) AS party_size, {asOf:DateTime64(6, 'UTC')} AS quoted_at,
    toFloat64(1) AS cost_total, toFloat64(0) AS price, toUInt8(0) AS accepted
  FROM (SELECT destination_id, min(itinerary_id) AS itinerary_id FROM itinerary_facts GROUP BY destination_id) AS f
  CROSS JOIN numbers(12) AS m`;

export async function departureFeaturesAsOf(client: ClickHouseClient, asOf: Date): Promise<DepartureFeatureTable> {
  const rows = await queryRows<{ quotation_id: string; itinerary_id: number; destination_id: number; departure_date: string; departure_month: number; destination_popularity: number | null; season_score: number | null; departure_load_factor: number | null; defaulted: string[] }>(
    client,
    `SELECT quotation_id, itinerary_id, destination_id, toString(departure_date) AS departure_date, departure_month, destination_popularity, season_score, departure_load_factor, defaulted
     FROM (${priceFeatureSql(QUOTES)})`,
    { asOf: chDateTime(asOf) },
    PRICE_FEATURE_SETTINGS,
  );
  const table: DepartureFeatureTable = { asOf, departures: new Map(), destinationMonths: new Map() };
  for (const r of rows) {
    const features: DepartureFeatures = {
      destination_popularity: nanIfNull(r.destination_popularity),
      season_score: nanIfNull(r.season_score),
      departure_load_factor: nanIfNull(r.departure_load_factor),
      defaulted: r.defaulted.filter((f) => f === 'season_score' || f === 'departure_load_factor'),
    };
    if (Number(r.quotation_id) >= KEY_BASE) table.destinationMonths.set(`${r.destination_id}|${Number(r.departure_month)}`, { ...features, departure_load_factor: NaN });
    else table.departures.set(`${r.itinerary_id}|${r.departure_date}`, features);
  }
  return table;
}
