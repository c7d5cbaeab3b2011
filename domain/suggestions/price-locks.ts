import type pg from 'pg';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { ReviewConflictError } from './review-errors.ts';

/**
 * Price locks: a pricing manager freezes the price of one quotation, or of every quotation of a departure
 * (a promised group rate, a price agreed with a partner), so no suggestion changes it until the lock is released.
 */
export interface PriceLock {
  id: number;
  quotationId: number | null;
  departureId: number | null;
  reason: string;
  lockedBy: string;
  lockedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
}

type Db = pg.Pool | pg.PoolClient;

const COLUMNS = 'id, quotation_id, departure_id, reason, locked_by, locked_at, released_by, released_at';

function toLock(r: Record<string, unknown>): PriceLock {
  return {
    id: Number(r.id),
    quotationId: r.quotation_id === null ? null : Number(r.quotation_id),
    departureId: r.departure_id === null ? null : Number(r.departure_id),
    reason: String(r.reason),
    lockedBy: String(r.locked_by),
    lockedAt: (r.locked_at as Date).toISOString(),
    releasedBy: (r.released_by as string | null) ?? null,
    releasedAt: r.released_at ? (r.released_at as Date).toISOString() : null,
  };
}

export async function lockPrice(
  db: pg.Pool,
  input: { quotationId?: number; departureId?: number; reason: string; actor: Actor },
): Promise<PriceLock> {
  const { quotationId, departureId } = input;
  if ((quotationId === undefined) === (departureId === undefined)) {
    throw new InputError('name exactly one of quotationId or departureId to lock', quotationId === undefined ? 'quotationId' : 'departureId');
  }
  const reason = typeof input.reason === 'string' ? input.reason.trim() : '';
  if (reason === '' || reason.length > 1000) throw new InputError('reason is required (1 to 1000 characters): say why the price is locked', 'reason');
  const table = quotationId !== undefined ? 'quotations' : 'departures';
  const id = quotationId ?? departureId;
  const exists = await db.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
  if (exists.rowCount === 0) throw new NotFoundError(`there is no ${table === 'quotations' ? 'quotation' : 'departure'} with id ${id}`, quotationId !== undefined ? 'quotationId' : 'departureId');
  try {
    return await inTransaction(db, async (client) => {
      const { rows } = await client.query(
        `INSERT INTO price_locks (quotation_id, departure_id, reason, locked_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [quotationId ?? null, departureId ?? null, reason, input.actor.name],
      );
      const lock = toLock(rows[0]);
      await appendAudit(client, input.actor, { action: 'price_lock.create', target: `price_lock:${lock.id}`, after: lock });
      return lock;
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23505') {
      throw new ReviewConflictError('already_locked', `the price of ${quotationId !== undefined ? `quotation ${quotationId}` : `departure ${departureId}`} is already locked`);
    }
    throw err;
  }
}

export async function releaseLock(db: pg.Pool, lockId: number, actor: Actor): Promise<PriceLock> {
  const released = await inTransaction(db, async (client) => {
    const { rows } = await client.query(
      `UPDATE price_locks SET released_by = $2, released_at = now() WHERE id = $1 AND released_at IS NULL RETURNING ${COLUMNS}`,
      [lockId, actor.name],
    );
    if (rows.length === 0) return undefined;
    const lock = toLock(rows[0]);
    await appendAudit(client, actor, { action: 'price_lock.release', target: `price_lock:${lockId}`, before: { ...lock, releasedBy: null, releasedAt: null }, after: lock });
    return lock;
  });
  if (released) return released;
  const existing = await db.query(`SELECT ${COLUMNS} FROM price_locks WHERE id = $1`, [lockId]);
  if (existing.rows.length === 0) throw new NotFoundError(`there is no price lock with id ${lockId}`, 'lockId');
  const lock = toLock(existing.rows[0]);
  throw new ReviewConflictError('lock_released', `lock ${lockId} was already released by ${lock.releasedBy} at ${lock.releasedAt}`);
}

/** The lock that holds a quotation's price now: its own, or its departure's. */
export async function activeLockFor(db: Db, quotationId: number, departureId: number | null): Promise<PriceLock | null> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM price_locks
      WHERE released_at IS NULL AND (quotation_id = $1 OR ($2::int IS NOT NULL AND departure_id = $2::int))
      ORDER BY quotation_id NULLS LAST LIMIT 1`,
    [quotationId, departureId],
  );
  return rows.length ? toLock(rows[0]) : null;
}

export async function listLocks(db: Db, options: { includeReleased?: boolean } = {}): Promise<PriceLock[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM price_locks ${options.includeReleased ? '' : 'WHERE released_at IS NULL'} ORDER BY id DESC LIMIT 500`,
  );
  return rows.map(toLock);
}
