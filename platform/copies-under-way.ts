import pg from 'pg';
import { StoreUnavailableError } from './http/api-errors.ts';
import type { Logger } from './log.ts';

/**
 * An erasure's warehouse rewrite must come after every copy of the booking system that read the customer before
 * the erasure committed: an ingest inserts rows it read minutes earlier, from an earlier snapshot, and a version
 * it inserts after the rewrite would be the live row again, name and e-mail included. So an ingest holds this
 * PostgreSQL advisory lock, shared, for its whole run, and an erasure, once its booking-system transaction has
 * committed, takes it exclusively for a moment before it rewrites the warehouse: every ingest that could hold
 * the customer's old values has then ended, and any that starts later reads the erased ones. The lock is held
 * by a session, so an ingest that is killed, or loses its connection, lets erasures through at once.
 */
const COPIES_LOCK = 7_201_060_117;

const LOCK_NOT_AVAILABLE = '55P03';
const QUERY_CANCELED = '57014';

/** Held by an ingest (shared, several may run at once) until `release`, on a connection of its own. */
export async function holdErasuresBack(pool: pg.Pool, log: Logger): Promise<{ release(): Promise<void> }> {
  // Not a pooled connection: the run's own queries must not wait for the one that holds the lock, however small
  // the pool, and ending the connection is what releases the lock.
  const client = new pg.Client({ ...pool.options, application_name: 'spirit-ml ingest', query_timeout: undefined });
  client.on('error', (err) => log.warn('the connection holding erasures back was lost; an erasure may now rewrite the warehouse during this ingest', { error: err.message }));
  await client.connect();
  try {
    // An erasure that waits for the lock, or holds it for its moment, is let through before this run reads anything.
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock_shared($1)', [COPIES_LOCK]);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return { release: () => client.end().catch(() => undefined) };
}

export interface IngestUnderWay {
  pid: number;
  /** When its connection opened; null when PostgreSQL hides another role's sessions from this one. */
  since: string | null;
}

/**
 * Returns once no ingest that started before now is running (see above), waiting at most `timeoutMs`; `onWait`
 * hears which ones it waits for. Past the bound it fails with a message to retry: the booking system is erased
 * already, and an erasure asked again resumes with the warehouse.
 */
export async function waitForCopiesUnderWay(pool: pg.Pool, opts: { customerId: number; timeoutMs: number; onWait?: (running: IngestUnderWay[]) => void }): Promise<void> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS got', [COPIES_LOCK]);
    if (!rows[0].got) {
      opts.onWait?.(await ingestsUnderWay(client));
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(opts.timeoutMs))}`);
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [COPIES_LOCK]);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code !== LOCK_NOT_AVAILABLE && code !== QUERY_CANCELED) throw err;
        throw new StoreUnavailableError(
          `customer ${opts.customerId} is erased in the booking system, but an ingest that may have read them before is still copying into the warehouse ` +
            `after ${Math.round(opts.timeoutMs / 1000)} s of waiting; erase again once it has finished (the erasure resumes with the warehouse)`,
          err as Error,
        );
      }
    }
    // The lock is not kept: once every earlier ingest has ended, later ones can only read the erased values.
    await client.query('COMMIT');
  } catch (err) {
    // A connection that gave up waiting (a client-side timeout) may still be waiting on the server: it is not reused.
    failed = err as Error;
    throw err;
  } finally {
    client.release(failed);
  }
}

async function ingestsUnderWay(client: pg.PoolClient): Promise<IngestUnderWay[]> {
  const { rows } = await client.query<{ pid: number; since: Date | null }>(
    `SELECT a.pid, a.backend_start AS since FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 ORDER BY a.backend_start`,
    [COPIES_LOCK],
  );
  return rows.map((r) => ({ pid: r.pid, since: r.since?.toISOString() ?? null }));
}
