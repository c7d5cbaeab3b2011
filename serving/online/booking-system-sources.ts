import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';
import type { ServingSources } from './sources.ts';

/** The request-time reads of recommendations that the booking system answers as well as the warehouse. */
export type BookingSystemSources = Pick<ServingSources, 'availableItineraries' | 'customerCountry'> & {
  /**
   * The home market of a customer the warehouse answered it does not know: created since the last ingest (the
   * quotation engine asks right after creating one), or nobody (null). Normal operation, so counted but not logged.
   */
  newCustomerCountry(customerId: number): Promise<string | null>;
  /**
   * The customer's booked itineraries as they are now, read on every recommendation alongside the warehouse's copy
   * (as of the last ingest): a trip booked since must not be offered again. Normal operation: counted, not logged.
   */
  bookedNow(customerId: number): Promise<string[]>;
};

/** A warehouse away for an hour would log on every request; once every 10 s is enough to see it. */
const LOG_EVERY_MS = 10_000;

/**
 * The warehouse reads of recommendations, answered by the booking system (PostgreSQL): the rows the warehouse is a
 * copy of, newer by up to an ingest. Asked for what the warehouse did not answer within the feature timeout (away,
 * or slow), so a customer still gets an answer that keeps every rule, rather than a 503 or one made with defaults;
 * and, on every request, for the customer's bookings now (`bookedNow`). Each read is counted with its outcome
 * (spirit_booking_system_reads_total); a switch away from the warehouse is logged, at most every 10 s.
 */
export function bookingSystemSources(pool: pg.Pool, metrics: ApiMetrics, log: Logger): BookingSystemSources {
  const lastLogged = new Map<string, number>();
  const logNow = (message: string) => {
    const now = Date.now();
    if (now - (lastLogged.get(message) ?? 0) < LOG_EVERY_MS) return false;
    lastLogged.set(message, now);
    return true;
  };
  // Requests that miss the warehouse together ask the same (the default window's seats above all): one query each,
  // shared while it runs, so an outage does not multiply the load on the pool that auth and consent use too.
  const inFlight = new Map<string, Promise<unknown>>();
  /** `late`: the warehouse did not answer in time; `normal`: asked as part of every answer, or for a customer it does not know. */
  const read = <T>(name: 'booked_now' | 'availability' | 'home_market' | 'new_customer', key: string, query: () => Promise<T>, why: 'late' | 'normal' = 'late'): Promise<T> => {
    const id = `${name}|${key}`;
    const running = inFlight.get(id);
    if (running) return running as Promise<T>;
    const started = (async () => {
      const late = 'the warehouse did not answer in time; recommendations read the booking system instead';
      if (why === 'late' && logNow(late)) log.warn(late, { read: name });
      try {
        const value = await query();
        metrics.bookingSystemReads.inc({ read: name, outcome: value === null ? 'not_found' : 'answered' });
        return value;
      } catch (err) {
        metrics.bookingSystemReads.inc({ read: name, outcome: 'failed' });
        const failed = 'the booking system did not answer a read of recommendations';
        if (logNow(failed)) log.warn(failed, { read: name, error: (err as Error).message });
        throw err;
      } finally {
        inFlight.delete(id);
      }
    })();
    inFlight.set(id, started);
    return started;
  };
  // As the warehouse's: whatever the departure date, cancelled ones aside.
  const bookedOf = async (customerId: number): Promise<string[]> => {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT DISTINCT itinerary_id::text AS id FROM bookings WHERE customer_id = $1 AND itinerary_id IS NOT NULL AND status != 'cancelled'`,
      [customerId],
    );
    return rows.map((r) => r.id);
  };
  const countryOf = async (customerId: number): Promise<string | null> => {
    const { rows } = await pool.query<{ country: string }>('SELECT country FROM customers WHERE id = $1', [customerId]);
    return rows[0]?.country ?? null;
  };
  return {
    bookedNow: (customerId) => read('booked_now', String(customerId), () => bookedOf(customerId), 'normal'),

    // A departure that has left (before Lima's today) is no seat to offer, whatever window is asked about.
    availableItineraries: (from, to) =>
      read('availability', `${from}|${to}`, async () => {
        const { rows } = await pool.query<{ id: string }>(
          `SELECT DISTINCT itinerary_id::text AS id FROM departures
           WHERE departure_date BETWEEN $1 AND $2 AND departure_date >= $3 AND status = 'scheduled' AND seats_sold < capacity`,
          [from, to, limaToday()],
        );
        return rows.map((r) => r.id);
      }),

    customerCountry: (customerId) => read('home_market', String(customerId), () => countryOf(customerId)),

    newCustomerCountry: (customerId) => read('new_customer', String(customerId), () => countryOf(customerId), 'normal'),
  };
}
