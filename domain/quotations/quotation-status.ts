import type pg from 'pg';
import { InputError } from '../../platform/errors.ts';
import { recordEvent } from '../outbox.ts';
import { supersedePending } from '../suggestions/record-suggestion.ts';
import { ReviewConflictError } from '../suggestions/review-errors.ts';
import { recordQuotationEvent } from './quotation-events.ts';
import { lockQuotation } from './quotation-versions.ts';
import { inTransaction } from '../../platform/transaction.ts';

/**
 * The end of a quotation's life: the customer approves or rejects it, and an approved one is converted into a
 * booking. Once approved the price is final, so suggestions still pending for it are superseded. Each step is
 * an event with who did it; the price history is untouched (the versions are prices, not statuses).
 */
const OPEN = ['draft', 'sent'];

export async function approveQuotation(pool: pg.Pool, quotationId: number, actor: string): Promise<void> {
  await inTransaction(pool, async (client) => {
    const q = await lockQuotation(client, quotationId);
    if (!OPEN.includes(q.status)) throw new ReviewConflictError('quotation_closed', `quotation ${quotationId} is ${q.status}; only a draft or sent quotation can be approved`);
    await client.query(`UPDATE quotations SET status = 'approved' WHERE id = $1`, [quotationId]);
    await supersedePending(client, quotationId);
    await recordQuotationEvent(client, { type: 'quotation.approved', quotationId, version: q.version, actor, priceTotal: q.priceTotal, costTotal: q.costTotal });
  });
}

export async function rejectQuotation(pool: pg.Pool, quotationId: number, actor: string, reason: string): Promise<void> {
  if (typeof reason !== 'string' || reason.trim() === '') throw new InputError('reason is required: why did the customer turn the quotation down?', 'reason');
  await inTransaction(pool, async (client) => {
    const q = await lockQuotation(client, quotationId);
    if (!OPEN.includes(q.status)) throw new ReviewConflictError('quotation_closed', `quotation ${quotationId} is ${q.status}; only a draft or sent quotation can be rejected`);
    await client.query(`UPDATE quotations SET status = 'rejected' WHERE id = $1`, [quotationId]);
    await supersedePending(client, quotationId);
    await recordQuotationEvent(client, { type: 'quotation.rejected', quotationId, version: q.version, actor, priceTotal: q.priceTotal, costTotal: q.costTotal, reason: reason.trim() });
  });
}

/** Books an approved quotation at its current price; returns the booking id. */
export async function convertToBooking(pool: pg.Pool, quotationId: number, actor: string): Promise<number> {
  return inTransaction(pool, async (client) => {
    const q = await lockQuotation(client, quotationId);
    if (q.status !== 'approved') throw new ReviewConflictError('quotation_closed', `quotation ${quotationId} is ${q.status}; only an approved quotation can be booked`);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO bookings (quotation_id, customer_id, itinerary_id, departure_id, destination_id, departure_date, party_size, status, channel,
                             country, total_price, total_cost, currency, booked_at, source)
       SELECT q.id, q.customer_id, q.itinerary_id, q.departure_id, i.destination_id, q.departure_date, q.party_size, 'created', q.channel,
              c.country, q.price_total, q.cost_total, q.currency, now(), 'app'
         FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id JOIN customers c ON c.id = q.customer_id
        WHERE q.id = $1
       RETURNING id`,
      [quotationId],
    );
    const bookingId = Number(rows[0].id);
    await client.query(`INSERT INTO booking_status_history (booking_id, status, reason, changed_at) VALUES ($1, 'created', $2, now())`, [bookingId, `from quotation ${quotationId}, by ${actor}`]);
    await client.query(`UPDATE quotations SET status = 'converted' WHERE id = $1`, [quotationId]);
    await recordEvent(client, {
      aggregateType: 'booking',
      aggregateId: String(bookingId),
      type: 'booking.created',
      payload: { quotationId, quotationVersion: q.version, totalPrice: q.priceTotal, totalCost: q.costTotal },
    });
    return bookingId;
  });
}
