import type pg from 'pg';
import { createQuotation } from '../../domain/quotations/create-quotation.ts';
import { DEFAULT_BANDS } from '../../domain/quotations/price-table.ts';
import { approveQuotation, convertToBooking } from '../../domain/quotations/quotation-status.ts';
import { reviseQuotation } from '../../domain/quotations/revise-quotation.ts';
import { unreachableScorer } from '../support/unreachable-scorer.ts';
import { quietLog } from '../support/services.ts';

/**
 * Quotations made by the quotation engine itself on a catalogue that has departures and customers (the sample
 * catalogue), priced cost-plus (the scoring API is down on purpose): every fourth changed once (two versions), every
 * sixth approved and booked, every fifth for a date without a scheduled departure. Returns their ids, oldest first.
 */
export async function quotationHistory(pool: pg.Pool, count: number): Promise<number[]> {
  const { rows: trips } = await pool.query(`SELECT itinerary_id, departure_date::text AS departure_date FROM departures ORDER BY id`);
  const { rows: customers } = await pool.query('SELECT id::int AS id FROM customers ORDER BY id');
  const deps = { pool, scorer: await unreachableScorer(), log: quietLog };
  const made: number[] = [];
  for (let i = 0; i < count; i++) {
    const trip = trips[i % trips.length];
    const offSchedule = i % 5 === 4;
    const departureDate = offSchedule ? trip.departure_date.replace(/-(\d\d)$/, (_m: string, d: string) => `-${String((Number(d) % 27) + 1).padStart(2, '0')}`) : trip.departure_date;
    const created = await createQuotation(
      deps,
      { customerId: customers[i % customers.length].id, itineraryId: trip.itinerary_id, departureDate, partySize: 2 + (i % 6), channel: 'agent', bands: [...DEFAULT_BANDS] },
      'seed:graphql',
    );
    made.push(created.quotationId);
    if (i % 4 === 1) await reviseQuotation(deps, created.quotationId, { partySize: 3 + (i % 5), reason: 'one more traveller' }, 'seed:graphql');
    if (i % 6 === 2) {
      await approveQuotation(pool, created.quotationId, 'seed:graphql');
      await convertToBooking(pool, created.quotationId, 'seed:graphql');
    }
  }
  return made;
}
