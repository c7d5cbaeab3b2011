import type { ClickHouseClient } from '@clickhouse/client';

/**
 * The marts rebuilt by refreshable views (migrations 050–059). ClickHouse refreshes them every 15 minutes by
 * itself; `refreshMarts` does it now and waits, so a report run after an ingest reads what was just ingested.
 * The suggestion-acceptance mart is not here: its materialized view adds each insert as it comes.
 */
export const REFRESHABLE_MARTS = ['mart_destination_daily', 'mart_booking_pace', 'mart_itinerary_revenue', 'mart_forecast_accuracy', 'mart_recommendation_coverage'] as const;

export async function refreshMarts(client: ClickHouseClient): Promise<void> {
  for (const mart of REFRESHABLE_MARTS) await client.command({ query: `SYSTEM REFRESH VIEW ${mart}` });
  for (const mart of REFRESHABLE_MARTS) await client.command({ query: `SYSTEM WAIT VIEW ${mart}` });
}
