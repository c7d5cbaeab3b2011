import type { ClickHouseClient } from '@clickhouse/client';
import { InputError } from '../platform/errors.ts';
import { queryRows } from './warehouse-query.ts';

/**
 * Serving's lookups of what the training steps precomputed (migration 041): by default the batch readers are
 * switched to (the champion's, through the *_current views), or a given model version's.
 */
const VERSION = /^[a-z][a-z0-9_]*-\d{6}$/;

function versionFilter(modelVersion: string | undefined, view: string, table: string): { from: string; params: Record<string, string> } {
  if (modelVersion === undefined) return { from: `${view} WHERE 1`, params: {} };
  if (!VERSION.test(modelVersion)) throw new InputError(`modelVersion must look like recommender-000007, got ${JSON.stringify(modelVersion)}`, 'modelVersion');
  return { from: `${table} WHERE model_version = {modelVersion:String}`, params: { modelVersion } };
}

function positive(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InputError(`${field} must be a positive whole number, got ${JSON.stringify(value)}`, field);
}

export interface BatchRecommendation {
  itineraryId: number;
  rank: number;
  score: number;
  modelVersion: string;
}

/** The customer's precomputed top itineraries (up to 50), best first; empty for a customer the batch did not cover. */
export async function batchRecommendations(client: ClickHouseClient, customerId: number, options: { k?: number; modelVersion?: string } = {}): Promise<BatchRecommendation[]> {
  positive(customerId, 'customerId');
  const k = options.k ?? 50;
  if (!Number.isInteger(k) || k < 1 || k > 50) throw new InputError(`k must be a whole number from 1 to 50 for precomputed recommendations, got ${JSON.stringify(k)}`, 'k');
  const { from, params } = versionFilter(options.modelVersion, 'customer_recommendations_current', 'customer_recommendations');
  const rows = await queryRows<{ itinerary_id: number; rank: number; score: number; model_version: string }>(
    client,
    `SELECT itinerary_id, rank, score, model_version FROM ${from} AND customer_id = {customerId:UInt64} AND rank <= {k:UInt8} ORDER BY rank`,
    { ...params, customerId, k },
  );
  return rows.map((r) => ({ itineraryId: Number(r.itinerary_id), rank: Number(r.rank), score: Number(r.score), modelVersion: r.model_version }));
}

export interface BatchForecastDay {
  date: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

/** The precomputed daily forecast of a series (e.g. `destination/cusco/travellers`) between two days, inclusive. */
export async function batchForecast(
  client: ClickHouseClient,
  seriesId: string,
  options: { from?: string; to?: string; modelVersion?: string } = {},
): Promise<{ modelVersion: string | null; days: BatchForecastDay[] }> {
  if (typeof seriesId !== 'string' || !/^[a-z]+\/[A-Za-z0-9_-]+\/[a-z]+$/.test(seriesId)) {
    throw new InputError(`seriesId must look like destination/cusco/travellers, got ${JSON.stringify(seriesId)}`, 'seriesId');
  }
  for (const field of ['from', 'to'] as const) {
    const value = options[field];
    if (value !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)))) throw new InputError(`${field} must be a day YYYY-MM-DD, got ${JSON.stringify(value)}`, field);
  }
  const { from, params } = versionFilter(options.modelVersion, 'demand_forecasts_current', 'demand_forecasts');
  // The day is read as `day`: an alias named `date` would replace the column in the WHERE clause.
  const rows = await queryRows<Omit<BatchForecastDay, 'date'> & { day: string; model_version: string }>(
    client,
    `SELECT toString(date) AS day, mean, lo80, hi80, lo95, hi95, model_version FROM ${from} AND series_id = {seriesId:String}
       AND date >= {from:Date} AND date <= {to:Date} ORDER BY date`,
    { ...params, seriesId, from: options.from ?? '1970-01-01', to: options.to ?? '2149-06-06' },
  );
  return {
    modelVersion: rows[0]?.model_version ?? null,
    days: rows.map((r) => ({ date: r.day, mean: r.mean, lo80: r.lo80, hi80: r.hi80, lo95: r.lo95, hi95: r.hi95 })),
  };
}

/** The customer's segment in the current (or a given) customer_segments batch; undefined when not covered. */
export async function batchSegment(client: ClickHouseClient, customerId: number, options: { modelVersion?: string } = {}): Promise<{ segment: number; name: string; modelVersion: string } | undefined> {
  positive(customerId, 'customerId');
  const { from, params } = versionFilter(options.modelVersion, 'customer_segments_current', 'customer_segments');
  const [row] = await queryRows<{ segment: number; segment_name: string; model_version: string }>(
    client,
    `SELECT segment, segment_name, model_version FROM ${from} AND customer_id = {customerId:UInt64}`,
    { ...params, customerId },
  );
  return row ? { segment: Number(row.segment), name: row.segment_name, modelVersion: row.model_version } : undefined;
}
