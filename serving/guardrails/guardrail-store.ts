import type pg from 'pg';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { SERVICE_LEVELS } from '../../contract/itineraries.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { describeScope, GuardrailPolicy, type ScopedGuardrailRule } from '../../models/price/guardrail-policy.ts';
import { checkGuardrailRule, type GuardrailRule } from '../../models/price/guardrails.ts';

/**
 * Guardrail rules in PostgreSQL (table price_guardrails, domain/migrations/011): versioned, never changed in place.
 * Setting a rule appends its scope's next revision; removing one appends an inactive revision (the broader rule
 * applies again). Every change NOTIFYs `spirit_guardrails_changed` in its transaction, so API processes reload
 * the set when, and only when, the change is committed.
 */
export const GUARDRAILS_CHANNEL = 'spirit_guardrails_changed';
export { SERVICE_LEVELS };

export interface GuardrailScope {
  /** null = every destination. */
  destinationId: number | null;
  /** null = every service level. */
  serviceLevel: string | null;
}

/** One revision of one scope's rule, as stored. */
export interface GuardrailRecord extends GuardrailScope {
  id: number;
  destinationCode: string | null;
  revision: number;
  active: boolean;
  minMargin: number | null;
  maxMargin: number | null;
  maxPricePerPax: number | null;
  maxChangeVsList: number | null;
  reason: string;
  changedBy: string;
  changedAt: string;
}

export interface GuardrailChange extends GuardrailScope {
  minMargin: number;
  maxMargin?: number | null;
  maxPricePerPax?: number | null;
  maxChangeVsList?: number | null;
  reason: string;
  actor: Actor;
}

type Db = pg.Pool | pg.PoolClient;

const COLUMNS = `g.id, g.destination_id, d.code AS destination_code, g.service_level::text AS service_level, g.revision, g.active,
  g.min_margin, g.max_margin, g.max_price_per_pax::float8 AS max_price_per_pax, g.max_change_vs_list, g.reason, g.changed_by, g.created_at AS changed_at`;
const FROM = 'price_guardrails g LEFT JOIN destinations d ON d.id = g.destination_id';

function toRecord(r: Record<string, unknown>): GuardrailRecord {
  const numberOrNull = (v: unknown) => (v === null ? null : Number(v));
  return {
    id: Number(r.id),
    destinationId: numberOrNull(r.destination_id),
    destinationCode: (r.destination_code as string | null) ?? null,
    serviceLevel: (r.service_level as string | null) ?? null,
    revision: Number(r.revision),
    active: Boolean(r.active),
    minMargin: numberOrNull(r.min_margin),
    maxMargin: numberOrNull(r.max_margin),
    maxPricePerPax: numberOrNull(r.max_price_per_pax),
    maxChangeVsList: numberOrNull(r.max_change_vs_list),
    reason: String(r.reason),
    changedBy: String(r.changed_by),
    changedAt: (r.changed_at as Date).toISOString(),
  };
}

function toRule(record: GuardrailRecord): ScopedGuardrailRule {
  return {
    id: record.id,
    revision: record.revision,
    destinationId: record.destinationId,
    serviceLevel: record.serviceLevel,
    minMargin: record.minMargin!,
    maxMargin: record.maxMargin ?? undefined,
    maxPricePerPax: record.maxPricePerPax ?? undefined,
    maxChangeVsList: record.maxChangeVsList ?? undefined,
  };
}

function checkScope(scope: GuardrailScope): void {
  if (scope.destinationId !== null && (!Number.isInteger(scope.destinationId) || scope.destinationId < 1)) {
    throw new InputError(`destinationId must be a destination id (a positive whole number) or null for every destination, got ${JSON.stringify(scope.destinationId)}`, 'destinationId');
  }
  if (scope.serviceLevel !== null && !SERVICE_LEVELS.includes(scope.serviceLevel as (typeof SERVICE_LEVELS)[number])) {
    throw new InputError(`serviceLevel must be one of ${SERVICE_LEVELS.join(', ')} or null for every level, got ${JSON.stringify(scope.serviceLevel)}`, 'serviceLevel');
  }
}

function checkReason(reason: unknown): string {
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > 1000) {
    throw new InputError('reason must be 1 to 1,000 characters: why the guardrail changes, for whoever reads its history', 'reason');
  }
  if (/\u0000/.test(reason)) throw new InputError('reason must not contain NUL characters', 'reason');
  return reason.trim();
}

/** The newest revision of every scope at a version (all of them: a caller filters inactive ones). */
async function newestRevisions(db: Db, asOfVersion: number | null): Promise<GuardrailRecord[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (g.destination_id, g.service_level) ${COLUMNS} FROM ${FROM}
      WHERE $1::bigint IS NULL OR g.id <= $1::bigint
      ORDER BY g.destination_id NULLS FIRST, g.service_level NULLS FIRST, g.id DESC`,
    [asOfVersion],
  );
  return rows.map(toRecord);
}

/** The rule set in force now, or at an earlier version (to show what an old suggestion was held to). */
export async function loadGuardrails(db: Db, asOfVersion: number | null = null): Promise<{ policy: GuardrailPolicy; records: GuardrailRecord[] }> {
  if (asOfVersion !== null && (!Number.isInteger(asOfVersion) || asOfVersion < 1)) {
    throw new InputError(`version must be a guardrail version (a positive whole number), got ${JSON.stringify(asOfVersion)}`, 'version');
  }
  const newest = await newestRevisions(db, asOfVersion);
  if (newest.length === 0) {
    throw new NotFoundError(asOfVersion === null ? 'there are no guardrail rules: apply the migrations (spirit-ml migrate)' : `there is no guardrail version ${asOfVersion}`, 'version');
  }
  const records = newest.filter((r) => r.active);
  const version = Math.max(...newest.map((r) => r.id));
  return { policy: new GuardrailPolicy(version, records.map(toRule)), records };
}

async function checkDestination(db: Db, destinationId: number | null): Promise<void> {
  if (destinationId === null) return;
  const { rowCount } = await db.query('SELECT 1 FROM destinations WHERE id = $1', [destinationId]);
  if (rowCount === 0) throw new NotFoundError(`there is no destination with id ${destinationId}`, 'destinationId');
}

async function appendRevision(client: pg.PoolClient, scope: GuardrailScope, values: { active: boolean; rule: GuardrailRule | null; reason: string; actor: Actor }): Promise<GuardrailRecord> {
  // Writers of the rule set take turns (edits are rare), so revisions and the set's versions never interleave;
  // readers are not blocked.
  await client.query('LOCK TABLE price_guardrails IN SHARE ROW EXCLUSIVE MODE');
  const { rows: currentRows } = await client.query(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE g.destination_id IS NOT DISTINCT FROM $1 AND g.service_level IS NOT DISTINCT FROM $2::service_level ORDER BY g.id DESC LIMIT 1`,
    [scope.destinationId, scope.serviceLevel],
  );
  const current = currentRows.map(toRecord);
  if (!values.active && !current[0]?.active) {
    throw new NotFoundError(`there is no guardrail rule of its own for ${describeScope(scope)} to remove`, 'scope');
  }
  const rule = values.rule;
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO price_guardrails (destination_id, service_level, revision, active, min_margin, max_margin, max_price_per_pax, max_change_vs_list, reason, changed_by)
     VALUES ($1, $2::service_level, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [scope.destinationId, scope.serviceLevel, (current[0]?.revision ?? 0) + 1, values.active, rule?.minMargin ?? null, rule?.maxMargin ?? null, rule?.maxPricePerPax ?? null, rule?.maxChangeVsList ?? null, values.reason, values.actor.name],
  );
  // Delivered at commit: a listener never reloads for a change that was rolled back.
  await client.query('SELECT pg_notify($1, $2)', [GUARDRAILS_CHANNEL, String(rows[0].id)]);
  const { rows: written } = await client.query(`SELECT ${COLUMNS} FROM ${FROM} WHERE g.id = $1`, [rows[0].id]);
  const record = toRecord(written[0]);
  await appendAudit(client, values.actor, {
    action: values.active ? 'guardrail.set' : 'guardrail.remove',
    target: `guardrail:${describeScope(scope)}`,
    before: current[0]?.active ? current[0] : undefined,
    after: record,
  });
  return record;
}

/** Sets the rule of one scope (a new revision); unset limits are not applied. */
export async function setGuardrail(pool: pg.Pool, change: GuardrailChange): Promise<GuardrailRecord> {
  const scope = { destinationId: change.destinationId, serviceLevel: change.serviceLevel };
  checkScope(scope);
  const rule: GuardrailRule = {
    minMargin: change.minMargin,
    maxMargin: change.maxMargin ?? undefined,
    maxPricePerPax: change.maxPricePerPax ?? undefined,
    maxChangeVsList: change.maxChangeVsList ?? undefined,
  };
  checkGuardrailRule(rule);
  const reason = checkReason(change.reason);
  await checkDestination(pool, scope.destinationId);
  return inTransaction(pool, (client) => appendRevision(client, scope, { active: true, rule, reason, actor: change.actor }));
}

/** Removes a scope's own rule (a new, inactive revision): its quotations fall back to the broader rule. */
export async function removeGuardrail(pool: pg.Pool, scope: GuardrailScope & { reason: string; actor: Actor }): Promise<GuardrailRecord> {
  checkScope(scope);
  if (scope.destinationId === null && scope.serviceLevel === null) {
    throw new InputError('the default guardrail can be changed but not removed: a quotation outside every other scope must still be guarded', 'scope');
  }
  const reason = checkReason(scope.reason);
  return inTransaction(pool, (client) => appendRevision(client, scope, { active: false, rule: null, reason, actor: scope.actor }));
}

/** Every revision, newest first, optionally of one scope (null in a filter means "the scope for every …"). */
export async function guardrailHistory(db: Db, filter: { scope?: GuardrailScope; limit?: number } = {}): Promise<GuardrailRecord[]> {
  const limit = filter.limit ?? 200;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new InputError(`limit must be a whole number from 1 to 10000, got ${JSON.stringify(limit)}`, 'limit');
  if (filter.scope) checkScope(filter.scope);
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM ${FROM}
      WHERE NOT $1::boolean OR (g.destination_id IS NOT DISTINCT FROM $2 AND g.service_level IS NOT DISTINCT FROM $3::service_level)
      ORDER BY g.id DESC LIMIT $4`,
    [filter.scope !== undefined, filter.scope?.destinationId ?? null, filter.scope?.serviceLevel ?? null, limit],
  );
  return rows.map(toRecord);
}

/** A destination's id from its code (what people type) or its id as text. */
export async function destinationIdOf(db: Db, codeOrId: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>('SELECT id FROM destinations WHERE code = $1 OR ($1 ~ \'^[0-9]{1,9}$\' AND id = $1::integer)', [codeOrId.trim().toLowerCase()]);
  if (rows.length === 0) throw new NotFoundError(`there is no destination with code or id "${codeOrId}"`, 'destination');
  return rows[0].id;
}
