import { mulberry32, pick, randInt } from '../../platform/random.ts';
import { createQuotation } from './create-quotation.ts';
import { DEFAULT_BANDS } from './price-table.ts';
import { CHANNELS } from './quotation-request.ts';
import type { PricingDeps } from './price-quotation.ts';

/**
 * Work for the review desk on a fresh sample world (`npm start`): quotations for upcoming departures, built by
 * the engine through the running scoring API, so their suggestions wait in the queue. Customers, parties and
 * channels are drawn with a seed; a party of three or more names its members, so each has a share to see.
 * Does nothing when suggestions are already pending: a restart does not pile up more.
 */
export interface ReviewWork {
  created: number;
  pending: number;
  autoAccepted: number;
  fallback: number;
  /** Quotations the engine refused to make (logged with the reason); the others are still made. */
  failed: number;
}

export async function ensureReviewWork(deps: PricingDeps, options: { count?: number; seed?: number } = {}): Promise<ReviewWork> {
  const pending = await deps.pool.query<{ n: string }>(`SELECT count(*) AS n FROM price_suggestions WHERE state = 'pending'`);
  if (Number(pending.rows[0].n) > 0) return { created: 0, pending: Number(pending.rows[0].n), autoAccepted: 0, fallback: 0, failed: 0 };
  const count = options.count ?? 24;
  const rng = mulberry32(options.seed ?? 1);
  const departures = await deps.pool.query<{ itinerary_id: number; departure_date: string; seats_left: number }>(
    `SELECT d.itinerary_id, d.departure_date::text AS departure_date, d.capacity - d.seats_sold AS seats_left
       FROM departures d JOIN itineraries i ON i.id = d.itinerary_id
      WHERE d.status = 'scheduled' AND i.active AND d.capacity > d.seats_sold AND d.departure_date BETWEEN current_date + 14 AND current_date + 270
        AND EXISTS (SELECT 1 FROM itinerary_components c WHERE c.itinerary_id = d.itinerary_id)
      ORDER BY d.departure_date, d.id LIMIT 2000`,
  );
  const customers = await deps.pool.query<{ id: string; group_size: number | null }>(
    `SELECT c.id, p.group_size FROM customers c LEFT JOIN customer_group_profiles p ON p.customer_id = c.id ORDER BY c.id LIMIT 5000`,
  );
  const work: ReviewWork = { created: 0, pending: 0, autoAccepted: 0, fallback: 0, failed: 0 };
  if (departures.rows.length === 0 || customers.rows.length === 0) return work;
  for (let i = 0; i < count; i++) {
    const customer = pick(rng, customers.rows);
    const partySize = Math.min(16, customer.group_size ?? randInt(rng, 1, 6));
    // Only departures the party fits in: the engine rightly refuses the others, and a newcomer's first run
    // should not greet them with refusals the sample made for itself.
    const fitting = departures.rows.filter((d) => d.seats_left >= partySize);
    if (fitting.length === 0) continue;
    const departure = pick(rng, fitting);
    const created = await createQuotation(
      deps,
      {
        customerId: Number(customer.id),
        itineraryId: departure.itinerary_id,
        departureDate: departure.departure_date,
        partySize,
        channel: pick(rng, CHANNELS),
        members: partySize >= 3 ? Array.from({ length: partySize }, (_, t) => ({ name: `Traveller ${t + 1}` })) : undefined,
        bands: [...DEFAULT_BANDS],
      },
      'sample:start',
    ).catch((err: Error) => {
      deps.log.warn('sample quotation not made', { itineraryId: departure.itinerary_id, error: err.message });
      return null;
    });
    if (!created) {
      work.failed += 1;
      continue;
    }
    work.created += 1;
    if (created.fallbackReason) work.fallback += 1;
    else if (created.suggestion?.state === 'auto_accepted') work.autoAccepted += 1;
    else if (created.suggestion?.state === 'pending') work.pending += 1;
  }
  return work;
}
