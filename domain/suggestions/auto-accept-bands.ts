import type pg from 'pg';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/transaction.ts';

/**
 * Auto-accept bands: small moves need no person. A suggestion whose change against the current price is within
 * the band of its destination and service level is accepted by itself — unless a guardrail had to move the
 * model's price (then something is off and a person should look) or the price is locked. The most specific band
 * applies: destination and level, destination only, level only, then the default band (neither).
 */
export const SERVICE_LEVELS = ['standard', 'superior', 'luxury'] as const;
export type ServiceLevel = (typeof SERVICE_LEVELS)[number];

export interface AutoAcceptBand {
  id: number;
  destinationId: number | null;
  serviceLevel: ServiceLevel | null;
  maxChangePct: number;
  updatedBy: string;
  updatedAt: string;
}

type Db = pg.Pool | pg.PoolClient;

const COLUMNS = 'id, destination_id, service_level::text AS service_level, max_change_pct::float8 AS max_change_pct, updated_by, updated_at';

function toBand(r: Record<string, unknown>): AutoAcceptBand {
  return {
    id: Number(r.id),
    destinationId: r.destination_id === null ? null : Number(r.destination_id),
    serviceLevel: (r.service_level as ServiceLevel | null) ?? null,
    maxChangePct: Number(r.max_change_pct),
    updatedBy: String(r.updated_by),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}

export async function bandFor(db: Db, destinationId: number, serviceLevel: string): Promise<AutoAcceptBand | null> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM auto_accept_bands
      WHERE (destination_id = $1 OR destination_id IS NULL) AND (service_level = $2::service_level OR service_level IS NULL)
      ORDER BY destination_id IS NULL, service_level IS NULL LIMIT 1`,
    [destinationId, serviceLevel],
  );
  return rows.length ? toBand(rows[0]) : null;
}

/** Whether a change (as a ratio: 0.03 = +3%) falls inside a band; the edge belongs to the band. */
export function insideBand(changeRatio: number, band: AutoAcceptBand): boolean {
  return Math.abs(changeRatio) * 100 <= band.maxChangePct + 1e-9;
}

export async function setBand(
  db: pg.Pool,
  input: { destinationId: number | null; serviceLevel: string | null; maxChangePct: number; actor: Actor },
): Promise<AutoAcceptBand> {
  if (input.serviceLevel !== null && !SERVICE_LEVELS.includes(input.serviceLevel as ServiceLevel)) {
    throw new InputError(`serviceLevel must be one of ${SERVICE_LEVELS.join(', ')} or null, got ${JSON.stringify(input.serviceLevel)}`, 'serviceLevel');
  }
  if (typeof input.maxChangePct !== 'number' || !Number.isFinite(input.maxChangePct) || input.maxChangePct < 0 || input.maxChangePct > 50) {
    throw new InputError(`maxChangePct must be a number from 0 to 50 (percent), got ${JSON.stringify(input.maxChangePct)}`, 'maxChangePct');
  }
  if (input.destinationId !== null) {
    const found = await db.query('SELECT 1 FROM destinations WHERE id = $1', [input.destinationId]);
    if (found.rowCount === 0) throw new NotFoundError(`there is no destination with id ${input.destinationId}`, 'destinationId');
  }
  return inTransaction(db, async (client) => {
    const { rows: before } = await client.query(
      `SELECT ${COLUMNS} FROM auto_accept_bands WHERE destination_id IS NOT DISTINCT FROM $1 AND service_level IS NOT DISTINCT FROM $2::service_level FOR UPDATE`,
      [input.destinationId, input.serviceLevel],
    );
    const { rows } = await client.query(
      `INSERT INTO auto_accept_bands (destination_id, service_level, max_change_pct, updated_by) VALUES ($1, $2::service_level, $3, $4)
       ON CONFLICT (destination_id, service_level) DO UPDATE SET max_change_pct = EXCLUDED.max_change_pct, updated_by = EXCLUDED.updated_by
       RETURNING ${COLUMNS}`,
      [input.destinationId, input.serviceLevel, input.maxChangePct, input.actor.name],
    );
    const band = toBand(rows[0]);
    await appendAudit(client, input.actor, { action: 'auto_accept_band.set', target: `auto_accept_band:${band.id}`, before: before.length ? toBand(before[0]) : undefined, after: band });
    return band;
  });
}

export async function listBands(db: Db): Promise<AutoAcceptBand[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM auto_accept_bands ORDER BY destination_id NULLS FIRST, service_level NULLS FIRST`);
  return rows.map(toBand);
}

export async function removeBand(db: pg.Pool, id: number, actor: Actor): Promise<void> {
  // A band that auto-accepted something is referenced by those decisions; set it to 0% instead of deleting.
  try {
    await inTransaction(db, async (client) => {
      const { rows } = await client.query(`DELETE FROM auto_accept_bands WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
      if (rows.length === 0) throw new NotFoundError(`there is no auto-accept band with id ${id}`, 'id');
      await appendAudit(client, actor, { action: 'auto_accept_band.remove', target: `auto_accept_band:${id}`, before: toBand(rows[0]) });
    });
  } catch (err) {
    if ((err as { code?: string }).code === '23503') {
      throw new InputError(`band ${id} has accepted suggestions and is kept for their audit; set its maxChangePct to 0 to stop it`, 'id');
    }
    throw err;
  }
}
