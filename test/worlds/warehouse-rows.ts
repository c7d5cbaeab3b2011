import type { ClickHouseClient } from '@clickhouse/client';

/**
 * Single warehouse rows with every column filled, for tests that state their data by hand. Times are
 * `YYYY-MM-DD hh:mm:ss` in UTC; a day alone means 10:00.
 */
const at = (t: string) => (t.length === 10 ? `${t} 10:00:00` : t);

export const rows = {
  destination: (id: number, code: string) => ({ id, code, name: code, country: 'PE', region: 'Andes', popularity: 1, created_at: at('2020-01-01'), updated_at: at('2020-01-01') }),
  itinerary: (id: number, destinationId: number, code = `IT${id}`) => ({
    id, code, name: `Tour ${code}`, destination_id: destinationId, duration_days: 4, service_level: 'superior', themes_json: '[]', active: 1, created_at: at('2020-01-01'), updated_at: at('2020-01-01'),
  }),
  customer: (id: number, ages: number[] = [40]) => ({
    id, external_ref: null, name: `C${id}`, email: null, country: 'US', language: 'en', customer_type: 'individual', created_at: at('2020-01-01'), updated_at: at('2020-01-01'),
    profile: { customer_id: id, group_size: ages.length, adults: ages.length, children: 0, seniors: 0, ages_json: JSON.stringify(ages), special_needs_json: '[]', preferences: '{}', created_at: at('2020-01-01'), updated_at: at('2020-01-01') },
  }),
  booking: (b: { id: number; customer: number; itinerary: number; destination: number; bookedAt: string; departure: string; party: number; price: number; cancelledAt?: string }) => ({
    id: b.id, quotation_id: null, customer_id: b.customer, itinerary_id: b.itinerary, departure_id: null, destination_id: b.destination, departure_date: b.departure,
    party_size: b.party, status: b.cancelledAt ? 'cancelled' : 'confirmed', channel: 'web', country: 'US', total_price: b.price, total_cost: b.price * 0.7, currency: 'USD',
    booked_at: at(b.bookedAt), source: 'app', created_at: at(b.bookedAt), updated_at: at(b.cancelledAt ?? b.bookedAt),
  }),
  cancellation: (id: number, bookingId: number, when: string) => ({ id, booking_id: bookingId, status: 'cancelled', reason: 'test', changed_at: at(when), created_at: at(when), updated_at: at(when) }),
  rating: (id: number, bookingId: number, customer: number, itinerary: number, score: number, when: string) => ({
    id, booking_id: bookingId, customer_id: customer, itinerary_id: itinerary, score, comment: null, rated_at: at(when), created_at: at(when), updated_at: at(when),
  }),
};

export async function insertRows(client: ClickHouseClient, table: string, values: object[]): Promise<void> {
  if (values.length) await client.insert({ table, values, format: 'JSONEachRow' });
}
