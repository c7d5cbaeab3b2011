import type pg from 'pg';
import { InputError } from '../../platform/errors.ts';

/**
 * Quotations made in a date range, aggregated by PostgreSQL (GROUP BY in one query): how many, for how many
 * travellers, how many became bookings, what they were worth and the margin on them. No ClickHouse mart holds
 * quotations yet, and PostgreSQL answers with the quotations of a minute ago (a mutation's result included).
 * Dimensions come from a fixed list, so the SQL is never built from caller text.
 */
export const DIMENSIONS = {
  DESTINATION: { column: 'destination', sql: 'd.name' },
  ITINERARY: { column: 'itinerary', sql: 'i.name' },
  SERVICE_LEVEL: { column: 'service_level', sql: 'i.service_level::text' },
  CHANNEL: { column: 'channel', sql: 'q.channel' },
  STATUS: { column: 'status', sql: 'q.status' },
  QUOTED_MONTH: { column: 'quoted_month', sql: `to_char(q.quoted_at AT TIME ZONE 'UTC', 'YYYY-MM')` },
  DEPARTURE_MONTH: { column: 'departure_month', sql: `to_char(q.departure_date, 'YYYY-MM')` },
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/** Longest range one call may aggregate: enough for year-on-year, short enough to stay a quick query. */
const MAX_DAYS = 3 * 366;
/** Most rows one call returns: every dimension at once over three years is megabytes no screen shows. */
export const MAX_ROWS = 5_000;

export interface AnalyticsRow {
  destination?: string;
  itinerary?: string;
  serviceLevel?: string;
  channel?: string;
  status?: string;
  quotedMonth?: string;
  departureMonth?: string;
  quotations: number;
  travellers: number;
  converted: number;
  conversionRate: number;
  quotedValue: number;
  averagePrice: number;
  costTotal: number;
  margin: number;
  marginRate: number | null;
}

export async function quotationAnalytics(
  db: Pick<pg.Pool, 'query'>,
  range: { from: string; to: string },
  groupBy: readonly Dimension[],
  maxRows = MAX_ROWS,
): Promise<AnalyticsRow[]> {
  if (range.from > range.to) throw new InputError(`dateRange.from (${range.from}) is after dateRange.to (${range.to})`, 'dateRange.from');
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000;
  if (days > MAX_DAYS) throw new InputError(`dateRange spans ${days} days; ask for at most ${MAX_DAYS}`, 'dateRange');
  const dimensions = [...new Set(groupBy)].map((name) => DIMENSIONS[name]);
  const select = dimensions.map((d) => `${d.sql} AS ${d.column}`);
  const group = dimensions.length ? `GROUP BY ${dimensions.map((_, i) => i + 1).join(', ')} ORDER BY ${dimensions.map((_, i) => i + 1).join(', ')}` : '';
  const { rows } = await db.query(
    `SELECT ${[...select, 'count(*)::int AS quotations', 'sum(q.party_size)::int AS travellers',
      `count(*) FILTER (WHERE q.status = 'converted')::int AS converted`, 'sum(q.price_total)::float8 AS quoted_value', 'sum(q.cost_total)::float8 AS cost_total'].join(', ')}
       FROM quotations q
       JOIN itineraries i ON i.id = q.itinerary_id
       JOIN destinations d ON d.id = i.destination_id
      WHERE q.quoted_at >= $1::date AND q.quoted_at < $2::date + 1
      ${dimensions.length ? group : 'HAVING count(*) > 0'}
      LIMIT $3`,
    [range.from, range.to, maxRows + 1],
  );
  if (rows.length > maxRows) {
    throw new InputError(`groupBy gives more than ${maxRows} rows over this dateRange; group by fewer dimensions or ask for a shorter range`, 'groupBy');
  }
  return rows.map((r) => {
    const margin = r.quoted_value - r.cost_total;
    return {
      destination: r.destination,
      itinerary: r.itinerary,
      serviceLevel: r.service_level,
      channel: r.channel,
      status: r.status,
      quotedMonth: r.quoted_month,
      departureMonth: r.departure_month,
      quotations: r.quotations,
      travellers: r.travellers,
      converted: r.converted,
      conversionRate: r.converted / r.quotations,
      quotedValue: r.quoted_value,
      averagePrice: r.quoted_value / r.quotations,
      costTotal: r.cost_total,
      margin,
      marginRate: r.quoted_value > 0 ? margin / r.quoted_value : null,
    };
  });
}
