import type pg from 'pg';
import { recordEvent } from '../outbox.ts';

/**
 * Quotation events for analytics, written to the transactional outbox in the same transaction as the change,
 * so an event exists exactly when its change committed. The relay carries them to ClickHouse. The conversion
 * into a booking is the booking's `booking.created` event, which names the quotation (quotation-status.ts).
 */
export type QuotationEventType = 'quotation.created' | 'quotation.updated' | 'quotation.approved' | 'quotation.rejected';

export interface QuotationEvent {
  type: QuotationEventType;
  quotationId: number;
  version: number;
  actor: string;
  priceTotal: number;
  costTotal: number;
  priceSource?: string;
  reason?: string | null;
  fallbackUsed?: boolean;
  suggestionId?: number;
}

/** Who acted stays in PostgreSQL (versions, decisions); the event carries ids and amounts only, no names. */
export async function recordQuotationEvent(client: pg.PoolClient, event: QuotationEvent): Promise<void> {
  const { type, quotationId, actor, ...rest } = event;
  const payload = { ...rest, byRole: actor.startsWith('system:') ? 'system' : 'staff' };
  await recordEvent(client, { aggregateType: 'quotation', aggregateId: String(quotationId), type, payload });
}
