import type { ClickHouseClient } from '@clickhouse/client';
import { ALL_FACTS } from './known-facts.ts';
import { chDateTime, queryRows } from './warehouse-query.ts';

/**
 * Demand as long series (`series_id`, `date`, `value`) for the forecaster (issue 5), as of a moment:
 * - daily and weekly (weeks start on Monday) per destination, monthly per itinerary;
 * - measures `bookings` (bookings made) and `travellers` (their travellers), counted on the day the booking was
 *   made, for bookings known before the moment and not cancelled by then: the demand that stood;
 * - every period from a series' first booking up to the last complete period before the moment, 0 when nothing
 *   was booked, so the forecaster sees true zeros and a series ends where the data does.
 * `series_id` is `<entity>/<code>/<measure>`, e.g. `destination/cusco/travellers`, `itinerary/IT0012/bookings`.
 */
export const DEMAND_SERIES_VERSION = 'demand-series-v1';

export const DEMAND_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type DemandFrequency = (typeof DEMAND_FREQUENCIES)[number];
export const DEMAND_MEASURES = ['bookings', 'travellers'] as const;

const GRID = {
  daily: { entity: 'destination', unit: 'day', start: (d: string) => d, add: (d: string, i: string) => `addDays(${d}, ${i})` },
  weekly: { entity: 'destination', unit: 'week', start: (d: string) => `toMonday(${d})`, add: (d: string, i: string) => `addWeeks(${d}, ${i})` },
  monthly: { entity: 'itinerary', unit: 'month', start: (d: string) => `toStartOfMonth(${d})`, add: (d: string, i: string) => `addMonths(${d}, ${i})` },
} as const;

function frequencySql(frequency: DemandFrequency): string {
  const g = GRID[frequency];
  return `
  SELECT '${frequency}' AS frequency, s.series_id AS series_id, s.entity AS entity, s.entity_code AS entity_code, s.measure AS measure,
    period AS date, ifNull(o.value, 0) AS value
  FROM (
    SELECT series_id, entity, entity_code, measure, min(period) AS first FROM obs_${frequency} GROUP BY series_id, entity, entity_code, measure
  ) AS s
  ARRAY JOIN arrayMap(k -> ${g.add('s.first', 'k')}, range(toUInt32(greatest(0, dateDiff('${g.unit}', s.first, ${g.start('end_day')}))))) AS period
  LEFT JOIN obs_${frequency} AS o ON o.series_id = s.series_id AND o.period = period`;
}

function observationsCte(frequency: DemandFrequency): string {
  const g = GRID[frequency];
  const code = g.entity === 'destination' ? 'd.destination_code' : 'i.itinerary_code';
  const join = g.entity === 'destination' ? 'INNER JOIN destination_facts AS d ON d.destination_id = b.destination_id' : 'INNER JOIN itinerary_facts AS i ON i.itinerary_id = b.itinerary_id';
  return `obs_${frequency} AS (
    SELECT concat('${g.entity}/', entity_code, '/', measure) AS series_id, '${g.entity}' AS entity, entity_code, measure, period, value
    FROM (
      SELECT ${code} AS entity_code, ${g.start('toDate(b.booked_at)')} AS period, toFloat64(count()) AS bookings, toFloat64(sum(b.party_size)) AS travellers
      FROM standing_bookings AS b ${join}
      WHERE period < ${g.start('end_day')}
      GROUP BY entity_code, period
    )
    ARRAY JOIN ['bookings', 'travellers'] AS measure, [bookings, travellers] AS value
  )`;
}

export function demandSeriesSql(frequencies: readonly DemandFrequency[] = DEMAND_FREQUENCIES): string {
  return `WITH
${ALL_FACTS.join(',\n')},
  {asOf:DateTime64(6, 'UTC')} AS as_of,
  toDate(as_of) AS end_day,
  standing_bookings AS (
    SELECT * FROM booking_facts
    WHERE known_at < as_of AND booking_id NOT IN (SELECT booking_id FROM cancellation_facts WHERE known_at < as_of)
  ),
${frequencies.map(observationsCte).join(',\n')}
${frequencies.map(frequencySql).join('\nUNION ALL\n')}`;
}

/** One observation of the long table: the row shape the forecaster (models/demand) reads. */
export interface DemandSeriesRow {
  series_id: string;
  /** YYYY-MM-DD, the period's first day. */
  date: string;
  value: number;
}

export function demandSeriesParams(asOf: Date): Record<string, unknown> {
  return { asOf: chDateTime(asOf) };
}

/** One frequency (and optionally one measure) of the materialised long table, in the forecaster's row shape. */
export async function readDemandSeries(client: ClickHouseClient, frequency: DemandFrequency, measure?: (typeof DEMAND_MEASURES)[number]): Promise<DemandSeriesRow[]> {
  return queryRows<DemandSeriesRow>(
    client,
    `SELECT series_id, toString(date) AS date, value FROM demand_series
     WHERE frequency = {frequency:String} ${measure ? 'AND measure = {measure:String}' : ''}
     ORDER BY series_id, date`,
    { frequency, measure: measure ?? '' },
  );
}
