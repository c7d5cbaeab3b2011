import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';

/**
 * How long the warehouse keeps what people asked: the scored-request log expires after
 * REQUEST_LOG_RETENTION_DAYS (ClickHouse TTL, dropped by merges). Set after every migration, and changed only when
 * the setting changed, since changing a TTL rewrites the table.
 */
export const RETAINED_LOGS = [{ table: 'scored_requests', column: 'scored_at' }] as const;

export async function applyRetention(client: ClickHouseClient, days: number, log: Logger): Promise<void> {
  for (const { table, column } of RETAINED_LOGS) {
    const result = await client.query({
      query: 'SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
      query_params: { table },
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ engine_full: string }>();
    if (!row) continue;
    const wanted = `TTL toDateTime(${column}) + toIntervalDay(${days})`;
    if (row.engine_full.includes(wanted)) continue;
    await client.command({ query: `ALTER TABLE ${table} MODIFY TTL toDateTime(${column}) + INTERVAL ${Math.trunc(days)} DAY` });
    log.info('retention set', { table, days });
  }
}
