import { InputError } from '../../platform/errors.ts';

/**
 * Implicit feedback: one row per (customer, itinerary) signal with a confidence weight. Weights come from
 * `eventsToInteractions` (bookings strong, quotations weaker, decayed with time) or straight from ClickHouse.
 * `kind` is the strongest signal behind the row, kept so an explanation can say "you booked" rather than "you quoted".
 */
export type InteractionKind = 'booking' | 'quotation' | 'rating' | 'cancellation';

export interface Interaction {
  userId: string;
  itemId: string;
  weight: number;
  /** When it happened: a Date, epoch milliseconds or an ISO date string. A row summing several events has the latest. */
  ts: Date | number | string;
  /**
   * For a row summing several events, when the first happened: the validation split orders a customer's itineraries
   * by when they turned to them, since a pair interacted with again and again would otherwise always look newest.
   */
  firstTs?: Date | number | string;
  kind?: InteractionKind;
}

export const INTERACTION_KINDS: readonly InteractionKind[] = ['booking', 'quotation', 'rating', 'cancellation'];

/** Epoch milliseconds of a timestamp, or an InputError naming the field and the row. */
export function toMillis(ts: Date | number | string, field: string, row: number): number {
  const ms = ts instanceof Date ? ts.getTime() : typeof ts === 'number' ? ts : typeof ts === 'string' ? Date.parse(ts) : NaN;
  if (!Number.isFinite(ms)) throw new InputError(`${field} of row ${row} is not a valid date: ${String(ts)}`, field);
  return ms;
}

export function checkInteractions(interactions: readonly Interaction[]): void {
  if (!Array.isArray(interactions)) throw new InputError('interactions must be an array', 'interactions');
  for (let r = 0; r < interactions.length; r++) {
    const it = interactions[r];
    if (typeof it?.userId !== 'string' || it.userId === '') throw new InputError(`userId of row ${r} must be a non-empty string`, 'userId');
    if (typeof it.itemId !== 'string' || it.itemId === '') throw new InputError(`itemId of row ${r} must be a non-empty string`, 'itemId');
    if (typeof it.weight !== 'number' || !Number.isFinite(it.weight)) throw new InputError(`weight of row ${r} must be a finite number, got ${String(it.weight)}`, 'weight');
    toMillis(it.ts, 'ts', r);
    if (it.firstTs !== undefined) toMillis(it.firstTs, 'firstTs', r);
    if (it.kind !== undefined && !INTERACTION_KINDS.includes(it.kind)) throw new InputError(`kind of row ${r} must be one of ${INTERACTION_KINDS.join(', ')}`, 'kind');
  }
}
