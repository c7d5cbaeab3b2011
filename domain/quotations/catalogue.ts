import type pg from 'pg';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import type { CostComponent } from './costing.ts';
import type { GuideLanguageRates } from './guide-plan.ts';

/** What the quotation engine reads from the catalogue and the customer file. */
export interface ItineraryFacts {
  id: number;
  code: string;
  name: string;
  destinationId: number;
  destinationCode: string;
  destinationName: string;
  serviceLevel: 'standard' | 'superior' | 'luxury';
  durationDays: number;
}

export interface DepartureFacts {
  id: number;
  capacity: number;
  seatsSold: number;
  status: string;
}

type Db = pg.Pool | pg.PoolClient;

export async function loadItinerary(db: Db, itineraryId: number): Promise<ItineraryFacts> {
  const { rows } = await db.query(
    `SELECT i.id, i.code, i.name, i.destination_id, d.code AS destination_code, d.name AS destination_name,
            i.service_level::text AS service_level, i.duration_days, i.active
       FROM itineraries i JOIN destinations d ON d.id = i.destination_id WHERE i.id = $1`,
    [itineraryId],
  );
  if (rows.length === 0) throw new NotFoundError(`there is no itinerary with id ${itineraryId}`, 'itineraryId');
  const r = rows[0];
  if (!r.active) throw new InputError(`itinerary ${r.code} is no longer sold (inactive)`, 'itineraryId');
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    destinationId: r.destination_id,
    destinationCode: r.destination_code,
    destinationName: r.destination_name,
    serviceLevel: r.service_level,
    durationDays: r.duration_days,
  };
}

export async function loadComponents(db: Db, itineraryId: number): Promise<CostComponent[]> {
  const { rows } = await db.query(
    `SELECT id, kind::text AS kind, name, day_number, nights, unit::text AS unit, unit_cost::float8 AS unit_cost, unit_capacity, currency
       FROM itinerary_components WHERE itinerary_id = $1 ORDER BY day_number, id`,
    [itineraryId],
  );
  return rows.map((r) => ({
    componentId: r.id,
    kind: r.kind,
    name: r.name,
    dayNumber: r.day_number,
    nights: r.nights,
    unit: r.unit,
    unitCost: r.unit_cost,
    unitCapacity: r.unit_capacity,
    currency: r.currency.trim(),
  }));
}

export async function loadGuideLanguageRates(db: Db): Promise<GuideLanguageRates> {
  const { rows } = await db.query<{ language: string; rate: number }>('SELECT language, rate_multiplier::float8 AS rate FROM guide_language_rates');
  return new Map(rows.map((r) => [r.language, r.rate]));
}

export async function loadCustomer(db: Db, customerId: number): Promise<{ id: number; language: string }> {
  const { rows } = await db.query<{ id: string; language: string }>('SELECT id, language FROM customers WHERE id = $1', [customerId]);
  if (rows.length === 0) throw new NotFoundError(`there is no customer with id ${customerId}`, 'customerId');
  return { id: Number(rows[0].id), language: rows[0].language };
}

/**
 * The scheduled departure of the itinerary on that date, if there is one. A closed (sold out), cancelled or departed
 * one is refused, and so is one with fewer seats left than the party: a price for a trip nobody can book is no quote.
 */
export async function findDeparture(db: Db, itineraryId: number, departureDate: string, partySize: number): Promise<DepartureFacts | null> {
  const { rows } = await db.query(
    'SELECT id, capacity, seats_sold, status FROM departures WHERE itinerary_id = $1 AND departure_date = $2',
    [itineraryId, departureDate],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  if (r.status === 'cancelled' || r.status === 'departed' || r.status === 'closed') {
    throw new InputError(`the departure of ${departureDate} is ${r.status === 'closed' ? 'closed (sold out)' : r.status}; choose another date`, 'departureDate');
  }
  const seatsLeft = Math.max(0, r.capacity - r.seats_sold);
  if (partySize > seatsLeft) {
    throw new InputError(`the departure of ${departureDate} has ${seatsLeft} seats left, fewer than the party of ${partySize}; choose another date`, 'departureDate');
  }
  return { id: r.id, capacity: r.capacity, seatsSold: r.seats_sold, status: r.status };
}
