import { InputError } from '../../platform/errors.ts';
import { INTERACTION_KINDS, toMillis, type Interaction, type InteractionKind } from './interactions.ts';

/**
 * Turns what customers did into implicit-feedback confidence weights, one interaction per (customer, itinerary).
 *
 * Each event contributes `weight(kind) · 0.5^(age / halfLife)`, age counted back from `asOf`, so last month's
 * quotation outweighs a booking from three years ago. Bookings are the strongest signal, quotations weaker;
 * a rating adds `(rating − 3) · ratingStep` (5 stars +2 steps, 1 star −2 steps); a cancellation subtracts.
 *
 * How negatives are handled: they only ever lower the confidence of their own pair (a cancellation takes back a
 * booking, a poor rating outweighs a quotation). The pair's sum is clamped at 0 and a pair at 0 is dropped, that is,
 * treated like any itinerary the customer never looked at. Weighted implicit ALS models preference as 0 or 1 with a
 * confidence ≥ 0; a negative confidence would make its least-squares problem unbounded, and "did not like it" is
 * still weaker evidence than "never heard of it" is of the opposite.
 */
export interface CustomerEvent {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  /** Stars 1..5, for kind `rating`. */
  rating?: number;
  ts: Date | number | string;
}

export interface ConfidenceSettings {
  /** Reference time for the decay (the training cut-off, or now). */
  asOf: Date | number | string;
  halfLifeDays: number;
  booking: number;
  quotation: number;
  /** Weight of one star away from a neutral 3. */
  ratingStep: number;
  /** Subtracted per cancellation (a positive number). */
  cancellation: number;
}

export const DEFAULT_CONFIDENCE: Omit<ConfidenceSettings, 'asOf'> = {
  halfLifeDays: 365,
  booking: 5,
  quotation: 1,
  ratingStep: 1,
  cancellation: 5,
};

const DAY_MS = 86_400_000;

/** The decay factor of an event `ageDays` old; events dated after `asOf` count as fresh, never more. */
export function timeDecay(ageDays: number, halfLifeDays: number): number {
  return Math.pow(0.5, Math.max(0, ageDays) / halfLifeDays);
}

/** Signed weight of one event before decay; the kind it is credited to (cancellations take back bookings). */
export function eventWeight(event: CustomerEvent, s: Omit<ConfidenceSettings, 'asOf'>, row: number): { kind: InteractionKind; weight: number } {
  switch (event.kind) {
    case 'booking':
      return { kind: 'booking', weight: s.booking };
    case 'quotation':
      return { kind: 'quotation', weight: s.quotation };
    case 'cancellation':
      return { kind: 'booking', weight: -s.cancellation };
    case 'rating': {
      const stars = event.rating;
      if (typeof stars !== 'number' || !(stars >= 1 && stars <= 5)) throw new InputError(`rating of row ${row} must be between 1 and 5, got ${String(stars)}`, 'rating');
      return { kind: 'rating', weight: (stars - 3) * s.ratingStep };
    }
    default:
      throw new InputError(`kind of row ${row} must be one of ${INTERACTION_KINDS.join(', ')}, got ${String((event as CustomerEvent).kind)}`, 'kind');
  }
}

function checkSettings(s: ConfidenceSettings): number {
  const asOf = toMillis(s.asOf, 'asOf', 0);
  if (!(s.halfLifeDays > 0)) throw new InputError(`halfLifeDays must be positive, got ${s.halfLifeDays}`, 'halfLifeDays');
  for (const name of ['booking', 'quotation', 'ratingStep', 'cancellation'] as const) {
    if (!(s[name] >= 0) || !Number.isFinite(s[name])) throw new InputError(`${name} must be a finite number ≥ 0, got ${s[name]}`, name);
  }
  return asOf;
}

export function eventsToInteractions(events: readonly CustomerEvent[], settings: Partial<ConfidenceSettings> & Pick<ConfidenceSettings, 'asOf'>): Interaction[] {
  const s: ConfidenceSettings = { ...DEFAULT_CONFIDENCE, ...settings };
  const asOf = checkSettings(s);
  const pairs = new Map<string, { userId: string; itemId: string; ts: number; firstTs: number; byKind: Record<InteractionKind, number> }>();
  events.forEach((event, row) => {
    if (typeof event?.userId !== 'string' || event.userId === '') throw new InputError(`userId of row ${row} must be a non-empty string`, 'userId');
    if (typeof event.itemId !== 'string' || event.itemId === '') throw new InputError(`itemId of row ${row} must be a non-empty string`, 'itemId');
    const ts = toMillis(event.ts, 'ts', row);
    const { kind, weight } = eventWeight(event, s, row);
    const key = `${event.userId}\u0000${event.itemId}`;
    let pair = pairs.get(key);
    if (!pair) {
      pair = { userId: event.userId, itemId: event.itemId, ts, firstTs: ts, byKind: { booking: 0, quotation: 0, rating: 0, cancellation: 0 } };
      pairs.set(key, pair);
    }
    pair.ts = Math.max(pair.ts, ts);
    pair.firstTs = Math.min(pair.firstTs, ts);
    pair.byKind[kind] += weight * timeDecay((asOf - ts) / DAY_MS, s.halfLifeDays);
  });
  const out: Interaction[] = [];
  for (const pair of pairs.values()) {
    const weight = pair.byKind.booking + pair.byKind.quotation + pair.byKind.rating;
    if (!(weight > 0)) continue;
    const kind = (['booking', 'quotation', 'rating'] as const).reduce((best, k) => (pair.byKind[k] > pair.byKind[best] ? k : best), 'booking' as InteractionKind);
    out.push({ userId: pair.userId, itemId: pair.itemId, weight, ts: pair.ts, firstTs: pair.firstTs, kind });
  }
  return out;
}
