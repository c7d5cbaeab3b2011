import { InputError } from '../../platform/errors.ts';
import { isoDay, parseDate, periodIndex, periodStart, type Frequency } from './frequency.ts';

/**
 * Demand series from a long table (`series_id`, `date`, `value`), as other jobs read them from ClickHouse.
 * Values are counts (bookings, travellers): they must be finite and not negative. A period with no row means
 * nothing was booked, so gaps are filled with zeros by default (`gaps: 'error'` refuses them instead).
 */
export interface DemandObservation {
  series_id: string;
  date: string | Date;
  value: number;
}

export interface DemandSeries {
  id: string;
  /** First period of the series (its first day, YYYY-MM-DD). */
  start: string;
  values: Float64Array;
}

export type GapPolicy = 'zero' | 'error';

export const MIN_OBSERVATIONS = 4;

export function checkValue(seriesId: string, date: string, value: number): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new InputError(`series ${seriesId}: value on ${date} is not a number (NaN)`, 'value');
  if (!Number.isFinite(value)) throw new InputError(`series ${seriesId}: value on ${date} is infinite`, 'value');
  if (value < 0) throw new InputError(`series ${seriesId}: value on ${date} is negative (${value}); demand counts cannot be`, 'value');
}

/** Checks a series already on its grid (the competition files, an on-demand forecast). */
export function checkSeries(series: DemandSeries, frequency: Frequency): void {
  if (series.values.length < MIN_OBSERVATIONS) {
    throw new InputError(`series ${series.id}: ${series.values.length} observations; at least ${MIN_OBSERVATIONS} are needed to forecast`, 'values');
  }
  const first = periodIndex(parseDate(series.start, 'start'), frequency);
  series.values.forEach((v, t) => checkValue(series.id, isoDay(periodStart(first + t, frequency)), v));
}

export function seriesFromLongTable(rows: readonly DemandObservation[], frequency: Frequency, gaps: GapPolicy = 'zero'): DemandSeries[] {
  const bySeries = new Map<string, Map<number, number>>();
  for (const row of rows) {
    if (typeof row.series_id !== 'string' || row.series_id === '') throw new InputError('a row has no series_id', 'series_id');
    const date = parseDate(row.date, 'date');
    checkValue(row.series_id, isoDay(date), row.value);
    let points = bySeries.get(row.series_id);
    if (!points) bySeries.set(row.series_id, (points = new Map()));
    const index = periodIndex(date, frequency);
    if (points.has(index)) {
      throw new InputError(`series ${row.series_id}: two values for the ${frequency} period starting ${isoDay(periodStart(index, frequency))}`, 'date');
    }
    points.set(index, row.value);
  }
  const out: DemandSeries[] = [];
  for (const [id, points] of bySeries) {
    const indices = [...points.keys()];
    const first = Math.min(...indices);
    const length = Math.max(...indices) - first + 1;
    if (gaps === 'error' && length !== points.size) {
      const missing = Array.from({ length }, (_, t) => first + t).find((i) => !points.has(i))!;
      throw new InputError(`series ${id}: no value for the ${frequency} period starting ${isoDay(periodStart(missing, frequency))} (${length - points.size} gaps)`, 'date');
    }
    const values = new Float64Array(length);
    for (const [index, value] of points) values[index - first] = value;
    const series = { id, start: isoDay(periodStart(first, frequency)), values };
    checkSeries(series, frequency);
    out.push(series);
  }
  return out;
}
