import type pg from 'pg';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { decisionOf, guardedRange, highestExpectedPrice, type OverrideLimits } from './decide-suggestion.ts';
import type { Decision } from './decision-record.ts';
import { activeLockFor, type PriceLock } from './price-locks.ts';
import type { AppliedGuardrails } from '../../contract/guardrails.ts';

/**
 * The pricing managers' queue: suggestions with what a manager needs to judge them at a glance — current and
 * suggested price, the difference, the 80% interval, the departure's demand and pace — filtered by destination,
 * departure window and size of change. Soonest departures first: they are the ones that cannot wait.
 */
export const SUGGESTION_STATES = ['pending', 'auto_accepted', 'accepted', 'overridden', 'rejected', 'superseded'] as const;
export type SuggestionState = (typeof SUGGESTION_STATES)[number];

export interface QueueFilter {
  state?: SuggestionState;
  /** Destination code, e.g. "cusco". */
  destination?: string;
  departureFrom?: string;
  departureTo?: string;
  /** Smallest absolute change to show, in percent of the current price. */
  minChangePct?: number;
  maxChangePct?: number;
  limit?: number;
  offset?: number;
}

export interface QueueItem {
  id: number;
  quotationId: number;
  state: SuggestionState;
  itinerary: { id: number; code: string; name: string };
  destination: { id: number; code: string; name: string };
  serviceLevel: string;
  departureDate: string;
  partySize: number;
  currency: string;
  costTotal: number;
  currentPrice: number;
  suggestedPrice: number;
  difference: number;
  changePct: number;
  lo80: number;
  hi80: number;
  loadFactor: number | null;
  pace: number | null;
  guardrail: string | null;
  modelVersion: string;
  locked: boolean;
  createdAt: string;
}

export interface SuggestionDetail extends QueueItem {
  quotationVersion: number;
  reasonCodes: Array<{ feature: string; amount: number; text: string }>;
  contributions: Record<string, number>;
  baseValue: number | null;
  unclampedPrice: number | null;
  /** Above this an override must be confirmed (decide-suggestion.ts). */
  highestExpectedPrice: number;
  /** The lowest price the suggestion's guardrail rule sets (guardedRange), null without a rule. */
  lowestRulePrice: number | null;
  /** The guardrail rule the suggestion was held to and its limits in currency (null for older suggestions). */
  guardrails: AppliedGuardrails | null;
  segment: string | null;
  featureSnapshotId: string | null;
  features: Record<string, number>;
  defaultedFeatures: string[];
  lock: PriceLock | null;
  decision: Decision | null;
}

const SELECT = `
  SELECT s.id, s.quotation_id, s.state::text AS state, s.itinerary_id, i.code AS itinerary_code, i.name AS itinerary_name,
         s.destination_id, d.code AS destination_code, d.name AS destination_name, s.service_level::text AS service_level,
         s.departure_date::text AS departure_date, s.party_size, s.currency, s.cost_total::float8 AS cost_total,
         s.current_price::float8 AS current_price, s.suggested_price::float8 AS suggested_price, s.change_ratio,
         s.lo80::float8 AS lo80, s.hi80::float8 AS hi80, s.load_factor, s.pace, s.guardrail, s.model_version, s.created_at,
         EXISTS (SELECT 1 FROM price_locks l WHERE l.released_at IS NULL AND (l.quotation_id = s.quotation_id OR l.departure_id = s.departure_id)) AS locked`;
const FROM = `
    FROM price_suggestions s
    JOIN itineraries i ON i.id = s.itinerary_id
    JOIN destinations d ON d.id = s.destination_id`;

function toItem(r: Record<string, any>): QueueItem {
  return {
    id: Number(r.id),
    quotationId: Number(r.quotation_id),
    state: r.state,
    itinerary: { id: r.itinerary_id, code: r.itinerary_code, name: r.itinerary_name },
    destination: { id: r.destination_id, code: r.destination_code, name: r.destination_name },
    serviceLevel: r.service_level,
    departureDate: r.departure_date,
    partySize: r.party_size,
    currency: String(r.currency).trim(),
    costTotal: r.cost_total,
    currentPrice: r.current_price,
    suggestedPrice: r.suggested_price,
    difference: Math.round((r.suggested_price - r.current_price) * 100) / 100,
    changePct: Math.round(r.change_ratio * 10000) / 100,
    lo80: r.lo80,
    hi80: r.hi80,
    loadFactor: r.load_factor,
    pace: r.pace,
    guardrail: r.guardrail,
    modelVersion: r.model_version,
    locked: r.locked,
    createdAt: (r.created_at as Date).toISOString(),
  };
}

export function checkQueueFilter(raw: Record<string, unknown>): QueueFilter {
  const filter: QueueFilter = {};
  if (raw.state !== undefined) {
    if (!SUGGESTION_STATES.includes(raw.state as SuggestionState)) throw new InputError(`state must be one of ${SUGGESTION_STATES.join(', ')}, got ${JSON.stringify(raw.state)}`, 'state');
    filter.state = raw.state as SuggestionState;
  }
  if (raw.destination !== undefined) {
    if (typeof raw.destination !== 'string' || !/^[a-z0-9-]{1,60}$/.test(raw.destination)) throw new InputError(`destination must be a destination code such as "cusco", got ${JSON.stringify(raw.destination)}`, 'destination');
    filter.destination = raw.destination;
  }
  for (const key of ['departureFrom', 'departureTo'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new InputError(`${key} must be a date as YYYY-MM-DD, got ${JSON.stringify(v)}`, key);
    filter[key] = v;
  }
  if (filter.departureFrom && filter.departureTo && filter.departureFrom > filter.departureTo) throw new InputError(`departureFrom (${filter.departureFrom}) is after departureTo (${filter.departureTo})`, 'departureFrom');
  for (const key of ['minChangePct', 'maxChangePct'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1000) throw new InputError(`${key} must be a percentage from 0 to 1000, got ${JSON.stringify(v)}`, key);
    filter[key] = v;
  }
  if (filter.minChangePct !== undefined && filter.maxChangePct !== undefined && filter.minChangePct > filter.maxChangePct) {
    throw new InputError(`minChangePct (${filter.minChangePct}) is above maxChangePct (${filter.maxChangePct}): no suggestion could match`, 'minChangePct');
  }
  if (raw.limit !== undefined) {
    if (typeof raw.limit !== 'number' || !Number.isInteger(raw.limit) || raw.limit < 1 || raw.limit > 200) throw new InputError(`limit must be a whole number from 1 to 200, got ${JSON.stringify(raw.limit)}`, 'limit');
    filter.limit = raw.limit;
  }
  if (raw.offset !== undefined) {
    if (typeof raw.offset !== 'number' || !Number.isInteger(raw.offset) || raw.offset < 0) throw new InputError(`offset must be a whole number ≥ 0, got ${JSON.stringify(raw.offset)}`, 'offset');
    filter.offset = raw.offset;
  }
  return filter;
}

export async function listQueue(db: pg.Pool | pg.PoolClient, filter: QueueFilter = {}): Promise<{ total: number; items: QueueItem[] }> {
  const where = ['s.state = $1::suggestion_state'];
  const params: unknown[] = [filter.state ?? 'pending'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.destination) add('d.code = ?', filter.destination);
  if (filter.departureFrom) add('s.departure_date >= ?::date', filter.departureFrom);
  if (filter.departureTo) add('s.departure_date <= ?::date', filter.departureTo);
  if (filter.minChangePct !== undefined) add('abs(s.change_ratio) * 100 >= ?', filter.minChangePct);
  if (filter.maxChangePct !== undefined) add('abs(s.change_ratio) * 100 <= ?', filter.maxChangePct);
  const whereSql = `WHERE ${where.join(' AND ')}`;
  const total = await db.query<{ n: string }>(`SELECT count(*) AS n ${FROM} ${whereSql}`, params);
  const { rows } = await db.query(
    `${SELECT} ${FROM} ${whereSql} ORDER BY s.departure_date, abs(s.change_ratio) DESC, s.id LIMIT ${filter.limit ?? 50} OFFSET ${filter.offset ?? 0}`,
    params,
  );
  return { total: Number(total.rows[0].n), items: rows.map(toItem) };
}

export async function getSuggestion(db: pg.Pool | pg.PoolClient, id: number): Promise<SuggestionDetail> {
  const { rows } = await db.query(
    `${SELECT}, s.quotation_version, s.departure_id, s.reason_codes, s.contributions, s.base_value::float8 AS base_value,
            s.unclamped_price::float8 AS unclamped_price, s.guardrails, s.segment, s.feature_snapshot_id, s.features, s.defaulted_features
     ${FROM} WHERE s.id = $1`,
    [id],
  );
  if (rows.length === 0) throw new NotFoundError(`there is no suggestion with id ${id}`, 'id');
  const r = rows[0];
  // The limits an override is held to, as decideSuggestion reads them, so the page warns of what the API refuses.
  const limits: Omit<OverrideLimits, 'cost_total'> = {
    suggested_price: r.suggested_price,
    current_price: r.current_price,
    floor: r.guardrails?.floor ?? null,
    ceiling: r.guardrails?.ceiling ?? null,
    band_lo: r.guardrails?.listBand?.lo ?? null,
    band_hi: r.guardrails?.listBand?.hi ?? null,
  };
  return {
    ...toItem(r),
    quotationVersion: r.quotation_version,
    reasonCodes: r.reason_codes,
    contributions: r.contributions,
    baseValue: r.base_value,
    unclampedPrice: r.unclamped_price,
    highestExpectedPrice: highestExpectedPrice(limits),
    lowestRulePrice: Number.isFinite(guardedRange(limits).lowest) ? guardedRange(limits).lowest : null,
    guardrails: r.guardrails,
    segment: r.segment,
    featureSnapshotId: r.feature_snapshot_id,
    features: r.features,
    defaultedFeatures: r.defaulted_features,
    lock: await activeLockFor(db, Number(r.quotation_id), r.departure_id),
    decision: await decisionOf(db, id),
  };
}
