import type { ClickHouseClient } from '@clickhouse/client';
import { ALL_FACTS } from './known-facts.ts';
import { chDateTime, queryRows } from './warehouse-query.ts';

/**
 * What the recommender needs besides interactions: the catalogue (names for explanations, destination, level and
 * duration for cold start, a typical price per traveller for budget rules, destination and themes to tell another
 * length of a trip taken) and customers' segment and home market
 * for cold start. Itinerary and customer ids are the booking system's ids as strings. The rows have the shapes the
 * recommender (models/recommender) reads; what it does with them (cold-start and budget rules) is its own.
 */
export interface CatalogueItinerary {
  itemId: string;
  name: string;
  /** The destination's code, e.g. `cusco`. */
  destination?: string;
  serviceLevel: string;
  durationDays?: number;
  /** Median price per traveller of its bookings known before the catalogue's as-of. */
  price?: number;
  themes: string[];
}

export interface CustomerMarketProfile {
  userId: string;
  /** Country the customer books from. */
  homeMarket?: string;
  /** The segment's name in the given segmentation batch. */
  segment?: string;
}

/**
 * The catalogue as of `asOf`: prices from the bookings known before it (known_at, as every point-in-time feature),
 * so a retraining from one build gives the same model whatever was booked since. By default the as-of of the
 * interactions table, which the recommender is fitted on.
 */
export async function readItineraryCatalogue(client: ClickHouseClient, asOf?: Date): Promise<{ items: CatalogueItinerary[]; inactive: string[] }> {
  const cutoff = asOf ? `{asOf:DateTime64(6, 'UTC')}` : '(SELECT max(as_of) FROM customer_itinerary_interactions)';
  const rows = await queryRows<{ id: number; name: string; destination: string; service_level: string; duration_days: number; themes: string[]; price: number | null; active: number }>(
    client,
    `WITH ${ALL_FACTS.join(',\n')}
     SELECT i.itinerary_id AS id, i.itinerary_name AS name, d.destination_code AS destination, i.service_level AS service_level,
       i.duration_days AS duration_days, i.themes AS themes, i.active AS active, p.price AS price
     FROM itinerary_facts AS i
     LEFT JOIN destination_facts AS d ON d.destination_id = i.destination_id
     LEFT JOIN (SELECT assumeNotNull(itinerary_id) AS itinerary_id, median(total_price / party_size) AS price FROM booking_facts
                WHERE itinerary_id IS NOT NULL AND known_at < ${cutoff} GROUP BY itinerary_id) AS p ON p.itinerary_id = i.itinerary_id
     ORDER BY id`,
    asOf ? { asOf: chDateTime(asOf) } : {},
    { join_use_nulls: 1 },
  );
  return {
    items: rows.map((r) => ({
      itemId: String(r.id),
      name: r.name,
      destination: r.destination ?? undefined,
      serviceLevel: r.service_level,
      durationDays: r.duration_days > 0 ? r.duration_days : undefined,
      price: r.price === null ? undefined : r.price,
      themes: r.themes,
    })),
    inactive: rows.filter((r) => Number(r.active) === 0).map((r) => String(r.id)),
  };
}

/** Home market of every customer, and their segment in the given customer_segments batch when there is one. */
export async function readCustomerProfiles(client: ClickHouseClient, segmentationVersion: string | null): Promise<CustomerMarketProfile[]> {
  const rows = await queryRows<{ id: string; country: string; segment: string | null }>(
    client,
    `SELECT toString(c.id) AS id, c.country AS country, if(s.customer_id IS NULL, NULL, s.segment_name) AS segment
     FROM customers AS c FINAL
     LEFT JOIN (SELECT customer_id, segment_name FROM customer_segments WHERE model_version = {version:String}) AS s ON s.customer_id = c.id
     ORDER BY c.id`,
    { version: segmentationVersion ?? '' },
    { join_use_nulls: 1 },
  );
  return rows.map((r) => ({ userId: r.id, homeMarket: r.country || undefined, segment: r.segment ?? undefined }));
}
