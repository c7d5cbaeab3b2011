/**
 * The PostgreSQL NOTIFY channel of the outbox: the booking system notifies it when an event commits
 * (domain/outbox.ts), and the relay (pipelines/outbox) listens on it to publish at once instead of at its next
 * poll. Here, under platform/, because the two meet only through the database and must agree on its name.
 */
export const OUTBOX_CHANNEL = 'outbox_events';
