import type { ClickHouseClient } from '@clickhouse/client';
import { ALL_FACTS } from './known-facts.ts';
import { chDateTime, parseChDateTime, queryRows } from './warehouse-query.ts';

/**
 * Implicit feedback for the recommender (issue 4), as of a moment: one confidence weight per (customer, itinerary)
 * from every event known before it. The weights are the recommender's, passed in by the pipeline step that builds
 * or reads the table (models/recommender/confidence.ts: booking 5, quotation 1, a rating (stars − 3) × 1, a
 * cancellation −5 taken off the booking, each halved every 365 days of age); this evaluates them in ClickHouse,
 * checked against the recommender's `eventsToInteractions` by a test, so the warehouse table and the model agree.
 * Pairs whose total is 0 or less are left out (never seen, for ALS), and so are erased customers: their history
 * must not train the next model.
 */
export const INTERACTIONS_VERSION = 'interactions-v1';

/** How much each kind of event counts, and how fast it fades: the recommender's confidence settings. */
export interface InteractionWeights {
  halfLifeDays: number;
  booking: number;
  quotation: number;
  /** Per star away from a neutral 3. */
  ratingStep: number;
  /** Taken off the booking per cancellation (a positive number). */
  cancellation: number;
}

/** One (customer, itinerary) pair: the row shape the recommender (models/recommender) learns from. */
export interface ItineraryInteraction {
  /** The customer's id, as text. */
  userId: string;
  /** The itinerary's id, as text. */
  itemId: string;
  weight: number;
  /** Epoch milliseconds of the pair's latest event. */
  ts: number;
  /** Epoch milliseconds of its first event (absent in the materialised table). */
  firstTs?: number;
  /** The kind of event that weighs most in the pair. */
  kind: 'booking' | 'quotation' | 'rating';
}

export function interactionsSql(): string {
  const decay = `pow(0.5, greatest(0, (toUnixTimestamp64Milli(as_of) - toUnixTimestamp64Milli(ts)) / 86400000) / {halfLifeDays:Float64})`;
  return `WITH
${ALL_FACTS.join(',\n')},
  {asOf:DateTime64(6, 'UTC')} AS as_of
SELECT customer_id, itinerary_id,
  booking_weight + quotation_weight + rating_weight AS weight, booking_weight, quotation_weight, rating_weight,
  if(rating_weight > if(quotation_weight > booking_weight, quotation_weight, booking_weight), 'rating',
     if(quotation_weight > booking_weight, 'quotation', 'booking')) AS kind,
  last_event_at, first_event_at, as_of
FROM (
  SELECT customer_id, itinerary_id,
    sumIf(w * ${decay}, credited = 'booking') AS booking_weight,
    sumIf(w * ${decay}, credited = 'quotation') AS quotation_weight,
    sumIf(w * ${decay}, credited = 'rating') AS rating_weight,
    max(ts) AS last_event_at,
    min(ts) AS first_event_at
  FROM (
    SELECT assumeNotNull(customer_id) AS customer_id, assumeNotNull(itinerary_id) AS itinerary_id, 'booking' AS credited, {booking:Float64} AS w, known_at AS ts
      FROM booking_facts WHERE customer_id IS NOT NULL AND itinerary_id IS NOT NULL AND known_at < as_of
    UNION ALL
    SELECT assumeNotNull(customer_id), assumeNotNull(itinerary_id), 'booking', -{cancellation:Float64}, known_at
      FROM cancellation_facts WHERE customer_id IS NOT NULL AND itinerary_id IS NOT NULL AND known_at < as_of
    UNION ALL
    SELECT customer_id, itinerary_id, 'quotation', {quotation:Float64}, known_at FROM quotation_facts WHERE known_at < as_of
    UNION ALL
    SELECT customer_id, itinerary_id, 'rating', (score - 3) * {ratingStep:Float64}, known_at FROM rating_facts WHERE known_at < as_of
  )
  GROUP BY customer_id, itinerary_id
)
WHERE weight > 0 AND customer_id NOT IN (SELECT id FROM erased_customers)`;
}

export function interactionParams(asOf: Date, weights: InteractionWeights): Record<string, unknown> {
  const { halfLifeDays, booking, quotation, ratingStep, cancellation } = weights;
  return { asOf: chDateTime(asOf), halfLifeDays, booking, quotation, ratingStep, cancellation };
}

type Row = { customer_id: string | number; itinerary_id: number; weight: number; kind: ItineraryInteraction['kind']; last_event_at: string; first_event_at?: string };

function toInteraction(r: Row): ItineraryInteraction {
  const row: ItineraryInteraction = { userId: String(r.customer_id), itemId: String(r.itinerary_id), weight: r.weight, ts: parseChDateTime(r.last_event_at).getTime(), kind: r.kind };
  if (r.first_event_at !== undefined) row.firstTs = parseChDateTime(r.first_event_at).getTime();
  return row;
}

/** Interactions as of `asOf`, computed from the warehouse now (e.g. at an evaluation cut-off). */
export async function interactionsAsOf(client: ClickHouseClient, asOf: Date, weights: InteractionWeights): Promise<ItineraryInteraction[]> {
  const rows = await queryRows<Row>(client, interactionsSql() + ' ORDER BY customer_id, itinerary_id', interactionParams(asOf, weights));
  return rows.map(toInteraction);
}

/** The materialised table (built by build-features). */
export async function readInteractions(client: ClickHouseClient): Promise<ItineraryInteraction[]> {
  const rows = await queryRows<Row>(client, `SELECT customer_id, itinerary_id, weight, kind, last_event_at FROM customer_itinerary_interactions ORDER BY customer_id, itinerary_id`);
  return rows.map(toInteraction);
}

/**
 * What customers turned to in [from, to): their bookings, weight 1, the targets of the time-split evaluation
 * (a booking later cancelled still says what the customer wanted).
 */
export async function bookingsBetween(client: ClickHouseClient, from: Date, to: Date): Promise<ItineraryInteraction[]> {
  const rows = await queryRows<{ customer_id: string; itinerary_id: number; known_at: string }>(
    client,
    `WITH ${ALL_FACTS.join(',\n')}
     SELECT assumeNotNull(customer_id) AS customer_id, assumeNotNull(itinerary_id) AS itinerary_id, known_at FROM booking_facts
     WHERE customer_id IS NOT NULL AND itinerary_id IS NOT NULL AND known_at >= {from:DateTime64(6, 'UTC')} AND known_at < {to:DateTime64(6, 'UTC')}
     ORDER BY known_at, customer_id, itinerary_id`,
    { from: chDateTime(from), to: chDateTime(to) },
  );
  return rows.map((r) => ({ userId: String(r.customer_id), itemId: String(r.itinerary_id), weight: 1, ts: parseChDateTime(r.known_at).getTime(), kind: 'booking' as const }));
}
