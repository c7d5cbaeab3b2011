import type pg from 'pg';
import type { ListPrice } from './budget-fit.ts';
import type { RecommendedItinerary } from './serving-calls.ts';

/**
 * The itineraries a complete quote request is answered with: the catalogue's active itineraries of the
 * destination (by the code the nlu model learnt from the catalogue, or its name) that can be costed (they have components), the asked service level first, then those with a
 * scheduled departure on the asked date; when the recommender ranked some of them for this customer, its order
 * goes first — within the asked service level, which a customer's words outrank their history in. When the
 * customer stated a budget, those within it come before all others (each part in the order above): a stated budget
 * outranks both the asked level and the recommender, since a trip they cannot pay is no proposal. The first one is
 * the one quoted.
 */
export interface ProposedItinerary {
  itineraryId: number;
  code: string;
  name: string;
  serviceLevel: string;
  days: number;
  source: 'recommender' | 'catalogue';
  /** With a stated budget: the list price for the party (budget-fit.ts) and, when in the same currency, whether it fits. */
  listPrice?: ListPrice;
  withinBudget?: boolean;
}

export const MAX_PROPOSALS = 3;

export async function catalogueItineraries(pool: pg.Pool, destinationCode: string, destinationName: string | null, departureDate: string, serviceLevel: string | null): Promise<Omit<ProposedItinerary, 'source'>[]> {
  const { rows } = await pool.query(
    `SELECT i.id, i.code, i.name, i.service_level::text AS service_level, i.duration_days
       FROM itineraries i JOIN destinations d ON d.id = i.destination_id
      WHERE (d.code = $1 OR lower(d.name) = lower($4)) AND i.active AND EXISTS (SELECT 1 FROM itinerary_components c WHERE c.itinerary_id = i.id)
      ORDER BY (i.service_level::text = $3) DESC,
               EXISTS (SELECT 1 FROM departures p WHERE p.itinerary_id = i.id AND p.departure_date = $2::date AND p.status = 'scheduled') DESC,
               i.id`,
    [destinationCode, departureDate, serviceLevel ?? '', destinationName ?? ''],
  );
  return rows.map((r) => ({ itineraryId: Number(r.id), code: r.code, name: r.name, serviceLevel: r.service_level, days: r.duration_days }));
}

export function rankProposals(catalogue: Omit<ProposedItinerary, 'source'>[], recommended: RecommendedItinerary[], serviceLevel: string | null = null, withinBudget?: ReadonlySet<number>): ProposedItinerary[] {
  const byId = new Map(catalogue.map((i) => [i.itineraryId, i]));
  const chosen: ProposedItinerary[] = [];
  for (const r of recommended) {
    const item = byId.get(r.itineraryId);
    if (item && !chosen.some((c) => c.itineraryId === item.itineraryId)) chosen.push({ ...item, source: 'recommender' });
  }
  for (const item of catalogue) if (!chosen.some((c) => c.itineraryId === item.itineraryId)) chosen.push({ ...item, source: 'catalogue' });
  // A stable sort: the asked level first, each part in the order above.
  if (serviceLevel) chosen.sort((a, b) => Number(b.serviceLevel === serviceLevel) - Number(a.serviceLevel === serviceLevel));
  if (withinBudget) chosen.sort((a, b) => Number(withinBudget.has(b.itineraryId)) - Number(withinBudget.has(a.itineraryId)));
  return chosen.slice(0, MAX_PROPOSALS);
}
