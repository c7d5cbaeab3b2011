import type { ClickHouseClient } from '@clickhouse/client';
import { InputError, NotFoundError } from '../platform/errors.ts';
import { priceFeaturesVersionTag, type SegmentAssigner } from './customer-segment.ts';
import { PRICE_FEATURE_SETTINGS, priceFeatureSql } from './price-feature-sql.ts';
import { priceFeatureValues, type PriceFeatureRow } from './price-feature-values.ts';
import { chDateTime, queryRows } from './warehouse-query.ts';

/**
 * Price features of a quotation being made now (or at `quotedAt`), for serving: the same SQL as the training rows,
 * with the quotation given as parameters and the totals restricted to its destination, itinerary and customer.
 */
export interface QuoteInput {
  itineraryId: number;
  /** YYYY-MM-DD or a Date (its UTC day). */
  departureDate: string | Date;
  partySize: number;
  /** When the quotation is made; default now. Facts known from this moment on are not used. */
  quotedAt?: string | Date;
  /** Omitted or null for a walk-in: customer features and segment take their defaults. */
  customerId?: number | null;
  /** What the quotation costs us, from the quotation engine; estimated from the components when omitted. */
  costTotal?: number;
}

export interface QuotePriceFeatures {
  /** Every price feature by name (PRICE_FEATURE_NAMES), finite. */
  values: Record<string, number>;
  /** Features that fell back to a default, plus `cost` when the cost was estimated. */
  defaulted: string[];
  /** `<features version>+<segmentation version>@<data as of>`: which definitions and which ingested data gave these values. */
  snapshotId: string;
  /** The cost the price model's markup applies to. */
  cost: number;
  destinationId: number;
}

export interface PriceFeatureModels {
  /** The segmentation model the price model was trained with, passed by serving; null: no segment. */
  segmentation?: SegmentAssigner | null;
}

const ONLINE_QUOTE = `
  SELECT toUInt64(0) AS row_key, {customerId:UInt64} AS customer_id, {itineraryId:UInt32} AS itinerary_id, {departureDate:Date} AS departure_date,
    {partySize:UInt16} AS party_size, {quotedAt:DateTime64(6, 'UTC')} AS quoted_at, {costTotal:Float64} AS cost_total, toFloat64(0) AS price, toUInt8(0) AS accepted`;

const DAY_MS = 86_400_000;

function wholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (value === undefined || value === null) throw new InputError(`${field} is required`, field);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${field} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`, field);
  }
  return value;
}

function dateOf(value: unknown, field: string): Date {
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value) : undefined;
  if (!date || Number.isNaN(date.getTime())) throw new InputError(`${field} must be a date (YYYY-MM-DD or ISO 8601), got ${JSON.stringify(value)}`, field);
  return date;
}

export function checkQuoteInput(input: QuoteInput): { itineraryId: number; departureDay: string; partySize: number; quotedAt: Date; customerId: number; costTotal: number } {
  if (!input || typeof input !== 'object') throw new InputError('expected a quotation { itineraryId, departureDate, partySize, … }', 'quotation');
  const itineraryId = wholeNumber(input.itineraryId, 'itineraryId', 1, 2 ** 32 - 1);
  if (input.departureDate === undefined || input.departureDate === null) throw new InputError('departureDate is required', 'departureDate');
  const departure = dateOf(input.departureDate, 'departureDate');
  const partySize = wholeNumber(input.partySize, 'partySize', 1, 200);
  const quotedAt = input.quotedAt === undefined ? new Date() : dateOf(input.quotedAt, 'quotedAt');
  const departureDay = departure.toISOString().slice(0, 10);
  if (Date.parse(`${departureDay}T00:00:00Z`) < Math.floor(quotedAt.getTime() / DAY_MS) * DAY_MS) {
    throw new InputError(`departureDate ${departureDay} is before the quotation date ${quotedAt.toISOString().slice(0, 10)}`, 'departureDate');
  }
  const customerId = input.customerId === undefined || input.customerId === null ? 0 : wholeNumber(input.customerId, 'customerId', 1, Number.MAX_SAFE_INTEGER);
  let costTotal = 0;
  if (input.costTotal !== undefined) {
    if (typeof input.costTotal !== 'number' || !Number.isFinite(input.costTotal) || input.costTotal <= 0) {
      throw new InputError(`costTotal must be a positive amount, got ${JSON.stringify(input.costTotal)}`, 'costTotal');
    }
    costTotal = input.costTotal;
  }
  return { itineraryId, departureDay, partySize, quotedAt, customerId, costTotal };
}

export async function priceFeaturesForQuote(client: ClickHouseClient, input: QuoteInput, models: PriceFeatureModels = {}): Promise<QuotePriceFeatures> {
  const q = checkQuoteInput(input);
  const [itinerary] = await queryRows<{ destination_id: number }>(client, 'SELECT destination_id FROM itineraries FINAL WHERE id = {id:UInt32}', { id: q.itineraryId });
  if (!itinerary) throw new NotFoundError(`itinerary ${q.itineraryId} does not exist`, 'itineraryId');
  const params = {
    customerId: q.customerId,
    itineraryId: q.itineraryId,
    departureDate: q.departureDay,
    partySize: q.partySize,
    quotedAt: chDateTime(q.quotedAt),
    costTotal: q.costTotal,
    scopeDestinationId: itinerary.destination_id,
    scopeItineraryId: q.itineraryId,
    scopeCustomerId: q.customerId,
  };
  const [rows, [ingested]] = await Promise.all([
    queryRows<PriceFeatureRow>(client, priceFeatureSql(ONLINE_QUOTE, true), params, PRICE_FEATURE_SETTINGS),
    // When the ingest last saved a place; a position with an empty key is a reset (a migration's or --full's), not data.
    queryRows<{ at: string | null }>(client, `SELECT if(count() = 0, NULL, toString(max(saved_at))) AS at FROM ingest_positions WHERE row_key != '[]'`),
  ]);
  const row = rows[0];
  const [{ values, defaulted }] = priceFeatureValues([row], models.segmentation);
  if (Number(row.cost_estimated) === 1) defaulted.push('cost');
  const dataAsOf = ingested?.at ? `${ingested.at.replace(' ', 'T')}Z` : 'no-ingest';
  return {
    values,
    defaulted,
    snapshotId: `${priceFeaturesVersionTag(models.segmentation?.version ?? null)}@${dataAsOf}`,
    cost: Number(row.cost),
    destinationId: itinerary.destination_id,
  };
}
