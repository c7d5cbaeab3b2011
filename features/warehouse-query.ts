import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';

/**
 * Runs a parameterised ClickHouse query (`{name:Type}` placeholders, values in `params`) and returns its rows.
 * ClickHouse writes NaN as null in JSON; callers that need NaN back use `nanIfNull`.
 */
export async function queryRows<T>(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}, settings: ClickHouseSettings = {}): Promise<T[]> {
  const result = await client.query({ query, query_params: params, format: 'JSONEachRow', clickhouse_settings: settings });
  return result.json<T>();
}

export async function command(client: ClickHouseClient, query: string, params: Record<string, unknown> = {}, settings: ClickHouseSettings = {}): Promise<void> {
  await client.command({ query, query_params: params, clickhouse_settings: settings });
}

/** A Float64 read back from JSON: ClickHouse writes NaN and ±Infinity as null. */
export function nanIfNull(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return NaN;
  return typeof value === 'number' ? value : Number(value);
}

/** A DateTime64 as ClickHouse parses it from a query parameter: `YYYY-MM-DD hh:mm:ss.ffffff`, UTC. */
export function chDateTime(value: Date): string {
  return value.toISOString().replace('T', ' ').replace('Z', '');
}

/** A ClickHouse DateTime64 text in UTC (`2024-01-05 10:00:00.000000`) as a Date. */
export function parseChDateTime(text: string): Date {
  return new Date(text.replace(' ', 'T') + 'Z');
}
