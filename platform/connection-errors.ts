import type pg from 'pg';
import type { Logger } from './log.ts';
import { logConnectionLoss } from './stopping.ts';

const guarded = new WeakSet<object>();

/**
 * The server can end a PostgreSQL connection at any moment (failover, idle timeout, pg_terminate_backend, a
 * restart). pg reports it as an 'error' event on the client, and an 'error' event nobody listens to ends the
 * process. pg-pool listens only while a client is idle, so a client checked out — a transaction between two
 * statements, a LISTEN connection, the outbox relay waiting for work — would take the whole API down.
 *
 * Every client gets a listener of its own when it is first checked out, and the pool one for idle clients. The
 * holder learns of the loss from its next query, which fails; pg-pool drops a client that can no longer be
 * queried when it is released, so the pool heals by itself. Safe to call more than once for a pool.
 */
export function survivePostgresDisconnects(pool: pg.Pool, log: Logger): void {
  if (guarded.has(pool)) return;
  guarded.add(pool);
  pool.on('error', (err) => logConnectionLoss(log, 'PostgreSQL connection lost while idle; the pool opens another when needed', { error: err.message }));
  pool.on('acquire', (client) => {
    if (guarded.has(client)) return;
    guarded.add(client);
    client.on('error', (err) => logConnectionLoss(log, 'PostgreSQL connection lost while in use', { error: err.message }));
  });
}
