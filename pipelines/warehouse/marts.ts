import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The marts rebuilt by refreshable views (migrations 050–059), each with the warehouse tables its query reads (the
 * `*_latest` views stand for their tables), so the step that refreshes them can declare its inputs. ClickHouse
 * refreshes them every 15 minutes by itself; `refreshMarts` does it now and waits, so a report run after an ingest
 * reads what was just ingested. The suggestion-acceptance mart is not here: its materialized view adds each insert as
 * it comes.
 */
export const REFRESHABLE_MARTS = {
  mart_destination_daily: ['bookings', 'itineraries', 'destinations'],
  mart_booking_pace: ['bookings', 'itineraries'],
  mart_itinerary_revenue: ['bookings', 'itineraries', 'destinations'],
  mart_forecast_accuracy: ['demand_forecasts', 'bookings', 'itineraries', 'destinations'],
  mart_recommendation_coverage: ['customer_recommendations', 'bookings', 'customers', 'itineraries'],
} as const satisfies Record<string, readonly string[]>;

export async function refreshMarts(client: ClickHouseClient): Promise<void> {
  const marts = Object.keys(REFRESHABLE_MARTS);
  for (const mart of marts) await client.command({ query: `SYSTEM REFRESH VIEW ${mart}` });
  for (const mart of marts) await client.command({ query: `SYSTEM WAIT VIEW ${mart}` });
}
