import os from 'node:os';
import type pg from 'pg';

/**
 * The audit log (PostgreSQL table audit_log, domain/migrations/012): one append-only row per write, by whoever
 * made it, through the API, the CLI or a pipeline. Writers append in the same transaction as the change they
 * record, so a change never lands without its record.
 */
export interface Actor {
  /** The credential's name as people read it, e.g. "Ana (api-key 12)" or "cli:ana". */
  name: string;
  role: string;
  /** The API key behind the request, when there is one. */
  keyId?: string;
  /** Where the write came from; absent means code run directly on this machine, recorded as the CLI. */
  source?: 'api' | 'cli' | 'pipeline';
  requestId?: string;
}

export interface AuditEntry {
  /** `thing.verb`, e.g. api_key.create, guardrail.set, model.promote. */
  action: string;
  /** What was acted on, e.g. `api_key:12`, `guardrail:cusco/luxury`, `model:price/price-000007`. */
  target: string;
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: string;
  actor: string;
  actorKeyId: string | null;
  role: string;
  source: string;
  requestId: string;
}

type Db = Pick<pg.Pool, 'query'> | pg.PoolClient;

/** Who runs a command on this machine: the operating-system user, so the log says which person typed it. */
export function cliActor(role = 'admin'): Actor {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the command still runs, recorded as an unknown user.
  }
  return { name: `cli:${user}`, role, source: 'cli' };
}

export function pipelineActor(step: string): Actor {
  return { name: `pipeline:${step}`, role: 'pipeline', source: 'pipeline' };
}

export async function appendAudit(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor, actor_key_id, role, source, action, target, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
    [
      actor.name.slice(0, 300),
      actor.keyId ?? null,
      actor.role,
      actor.source ?? 'cli',
      entry.action,
      entry.target,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.requestId ?? '',
    ],
  );
}

export interface AuditQuery {
  /** Only this action, or every action that starts with it followed by a dot (`guardrail` → guardrail.*). */
  action?: string;
  since?: Date;
  limit?: number;
  /** Newest first, starting below this id (pagination). */
  beforeId?: string;
}

interface Row {
  id: string;
  at: Date;
  actor: string;
  actor_key_id: string | null;
  role: string;
  source: string;
  action: string;
  target: string;
  before: unknown;
  after: unknown;
  request_id: string;
}

/** The log, newest first. */
export async function readAudit(db: Db, query: AuditQuery = {}): Promise<AuditRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT id, created_at AS at, actor, actor_key_id, role, source, action, target, before, after, request_id FROM audit_log
     WHERE ($1::text IS NULL OR action = $1 OR action LIKE $1 || '.%')
       AND ($2::timestamptz IS NULL OR created_at >= $2)
       AND ($3::bigint IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $4`,
    [query.action ?? null, query.since ?? null, query.beforeId ?? null, query.limit ?? 100],
  );
  return rows.map((r) => ({
    id: String(r.id),
    at: r.at.toISOString(),
    actor: r.actor,
    actorKeyId: r.actor_key_id === null ? null : String(r.actor_key_id),
    role: r.role,
    source: r.source,
    action: r.action,
    target: r.target,
    before: r.before ?? undefined,
    after: r.after ?? undefined,
    requestId: r.request_id,
  }));
}
