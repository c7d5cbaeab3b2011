import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../../platform/log.ts';

/**
 * How long the warehouse keeps what people asked: the scored-request log expires after REQUEST_LOG_RETENTION_DAYS,
 * chat messages after CHAT_RETENTION_DAYS (ClickHouse TTL, dropped by merges). Set after every migration, and
 * changed only when the setting changed, since changing a TTL rewrites the table.
 */
export interface RetentionDays {
  requestLog: number;
  chat: number;
}

const RETAINED_LOGS = [
  { table: 'scored_requests', column: 'scored_at', setting: 'requestLog' },
  { table: 'chat_messages', column: 'created_at', setting: 'chat' },
] as const;

export async function applyRetention(client: ClickHouseClient, retention: RetentionDays, log: Logger): Promise<void> {
  for (const { table, column, setting } of RETAINED_LOGS) {
    const days = retention[setting];
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
