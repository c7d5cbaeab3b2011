import crypto from 'node:crypto';
import type pg from 'pg';
import { appendAudit, cliActor, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { checkRole, type Role } from '../../platform/http/roles.ts';

/**
 * API keys, stored hashed in PostgreSQL (table api_keys, domain/migrations/010).
 *
 * A key is `spk_` + 32 random bytes (base64url). It is stored as its plain sha256, not bcrypt: bcrypt's cost
 * exists to slow down guessing of low-entropy passwords, but 256 random bits cannot be guessed at any speed, so a
 * slow hash would buy nothing and cost ~50 ms of CPU on every uncached request. A plain hash also lets the lookup
 * be an index probe on the hash itself, with no per-row salt to try.
 */
export const KEY_PREFIX = 'spk_';
/**
 * Channel on which key changes are announced (payload: the key id); API processes LISTEN to it and check their
 * cached verdicts again, positive (a revocation) and negative (a key created with an id a token already named).
 */
export const KEYS_CHANNEL = 'spirit_api_keys_changed';

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** First characters of the key, to tell keys apart; too short to use. */
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export interface VerifiedKey {
  id: string;
  name: string;
  role: Role;
}

export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Whether a string has the shape of one of our keys, so that other tokens are not looked up at all. */
export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length === KEY_PREFIX.length + 43 && /^[A-Za-z0-9_-]+$/.test(value.slice(KEY_PREFIX.length));
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) throw new InputError('name must be 1 to 200 characters, e.g. "quotation engine (production)"', 'name');
  // PostgreSQL text cannot hold NUL, and control characters in a name only hide what a list shows.
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new InputError('name must not contain control characters', 'name');
  return name.trim();
}

/** A key id as text: what `keys list` shows and a token's subject carries. */
const KEY_ID = /^[1-9][0-9]{0,17}$/;

function checkId(id: unknown): string {
  const text = String(id);
  if (!KEY_ID.test(text)) throw new InputError(`id must be a key id (a positive whole number), got "${text}"`, 'id');
  return text;
}

interface Row {
  id: string;
  name: string;
  role: string;
  key_prefix: string;
  created_at: Date;
  revoked_at: Date | null;
}

function record(row: Row): ApiKeyRecord {
  return {
    id: String(row.id),
    name: row.name,
    role: row.role as Role,
    prefix: row.key_prefix,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}

/**
 * Creates a key; the returned `key` is the only time it exists in clear. Written to the audit log with its actor
 * (by default the operating-system user of this process: code that calls this directly runs on this machine).
 */
export async function createApiKey(
  pool: pg.Pool,
  input: { name: string; role: string },
  actor: Actor = cliActor(),
): Promise<{ id: string; key: string; role: Role; name: string; prefix: string }> {
  const name = checkName(input.name);
  const role = checkRole(input.role);
  const key = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  const prefix = key.slice(0, KEY_PREFIX.length + 6);
  return inTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>('INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ($1, $2, $3, $4) RETURNING id', [name, role, hashKey(key), prefix]);
    const id = String(rows[0].id);
    await appendAudit(client, actor, { action: 'api_key.create', target: `api_key:${id}`, after: { id, name, role, prefix } });
    await client.query('SELECT pg_notify($1, $2)', [KEYS_CHANNEL, id]);
    return { id, key, role, name, prefix };
  });
}

/** Revokes a key (again is harmless) and tells listening API processes; unknown ids are a NotFoundError. */
export async function revokeApiKey(pool: pg.Pool, id: string | number, actor: Actor = cliActor()): Promise<ApiKeyRecord> {
  const keyId = checkId(id);
  return inTransaction(pool, async (client) => {
    const { rows: before } = await client.query<Row>('SELECT id, name, role, key_prefix, created_at, revoked_at FROM api_keys WHERE id = $1 FOR UPDATE', [keyId]);
    if (before.length === 0) throw new NotFoundError(`there is no API key with id ${keyId}`, 'id');
    const { rows } = await client.query<Row>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING id, name, role, key_prefix, created_at, revoked_at`,
      [keyId],
    );
    const [was, now] = [record(before[0]), record(rows[0])];
    if (was.revokedAt === null) await appendAudit(client, actor, { action: 'api_key.revoke', target: `api_key:${keyId}`, before: was, after: now });
    // NOTIFY is delivered at commit, so a listener never hears of a revocation that was rolled back.
    await client.query('SELECT pg_notify($1, $2)', [KEYS_CHANNEL, keyId]);
    return now;
  });
}

export async function listApiKeys(pool: pg.Pool): Promise<ApiKeyRecord[]> {
  const { rows } = await pool.query<Row>('SELECT id, name, role, key_prefix, created_at, revoked_at FROM api_keys ORDER BY id');
  return rows.map(record);
}

/** The key's identity and role when it exists and is not revoked. */
export async function findActiveApiKey(pool: pg.Pool, key: string): Promise<VerifiedKey | undefined> {
  if (!looksLikeApiKey(key)) return undefined;
  const { rows } = await pool.query<{ id: string; name: string; role: string }>('SELECT id, name, role FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [hashKey(key)]);
  if (rows.length === 0) return undefined;
  return { id: String(rows[0].id), name: rows[0].name, role: rows[0].role as Role };
}

/** The key with this id when it exists and is not revoked: a bearer token's identity and role come from here. */
export async function findActiveApiKeyById(pool: pg.Pool, id: string): Promise<VerifiedKey | undefined> {
  if (!KEY_ID.test(id)) return undefined;
  const { rows } = await pool.query<{ id: string; name: string; role: string }>('SELECT id, name, role FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [id]);
  if (rows.length === 0) return undefined;
  return { id: String(rows[0].id), name: rows[0].name, role: rows[0].role as Role };
}
