import type pg from 'pg';
import type { ClickHouseClient } from '@clickhouse/client';

/**
 * Copies decisions from PostgreSQL to ClickHouse, where acceptance rates and overrides are queried and the
 * training labels are read. Decisions never change, so the watermark is the newest decided_at already in
 * ClickHouse — minus a margin: decided_at is the deciding transaction's start, and a transaction that started
 * earlier may commit after a later one was copied. Re-reading the margin makes such a row visible on the next
 * run; the ReplacingMergeTree drops the rows copied twice. Safe to run again at any time.
 */
export const RECOPY_MARGIN_SECONDS = 600;

export async function copyDecisionsToWarehouse(pool: pg.Pool, clickhouse: ClickHouseClient, options: { batchRows?: number } = {}): Promise<{ copied: number }> {
  const batchRows = options.batchRows ?? 5000;
  const mark = await clickhouse.query({ query: 'SELECT toString(max(decided_at)) AS at, count() AS n FROM suggestion_decisions', format: 'JSONEachRow' });
  const [{ at, n }] = await mark.json<{ at: string; n: string }>();
  // An empty table's max() is the epoch.
  let since = Number(n) === 0 ? '1970-01-01T00:00:00Z' : new Date(new Date(`${at.replace(' ', 'T')}Z`).getTime() - RECOPY_MARGIN_SECONDS * 1000).toISOString();
  let afterId = 0;
  let copied = 0;
  for (;;) {
    const { rows } = await pool.query(
      `SELECT id, suggestion_id, action, decided_price::text, reason, decided_by, decided_by_role, auto_accept_band_id, resulting_version,
              quotation_id, destination_id, service_level::text, departure_date::text, party_size, cost_total::text, current_price::text,
              suggested_price::text, lo80::text, hi80::text, guardrail, model_version, feature_snapshot_id, features::text AS features,
              to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS decided_at
         FROM suggestion_decisions
        WHERE (decided_at, id) > ($1::timestamptz, $2::bigint)
        ORDER BY decided_at, id LIMIT $3`,
      [since, afterId, batchRows],
    );
    if (rows.length === 0) break;
    await clickhouse.insert({ table: 'suggestion_decisions', values: rows, format: 'JSONEachRow' });
    copied += rows.length;
    const last = rows[rows.length - 1];
    since = last.decided_at;
    afterId = Number(last.id);
    if (rows.length < batchRows) break;
  }
  return { copied };
}
