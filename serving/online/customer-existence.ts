import type pg from 'pg';

/**
 * Whether the booking system has a customer. Asked only when the warehouse did not say in time (its lookup was
 * defaulted): an id nobody has is answered 404, not popular itineraries or a profile with every feature defaulted.
 * A primary-key read in PostgreSQL, which is where the customer would be first.
 */
export async function customerInBookingSystem(pool: pg.Pool, customerId: number): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM customers WHERE id = $1', [customerId]);
  return (rowCount ?? 0) > 0;
}
