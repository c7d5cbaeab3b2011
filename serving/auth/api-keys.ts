import crypto from 'node:crypto';
import type pg from 'pg';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { checkRole, type Role } from './roles.ts';

/**
 * API keys, stored hashed in PostgreSQL (table api_keys, domain/migrations/010).
 *
 * A key is `spk_` + 32 random bytes (base64url). It is stored as its plain sha256, not bcrypt: bcrypt's cost
 * exists to slow down guessing of low-entropy passwords, but 256 random bits cannot be guessed at any speed, so a
 * slow hash would buy nothing and cost ~50 ms of CPU on every uncached request. A plain hash also lets the lookup
 * be an index probe on the hash itself, with no per-row salt to try.
 */
export const KEY_PREFIX = 'spk_';
/** Channel on which revocations are announced; API processes LISTEN to it and drop their cached verdicts. */
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

/** Creates a key; the returned `key` is the only time it exists in clear. */
export async function createApiKey(pool: pg.Pool, input: { name: string; role: string }): Promise<{ id: string; key: string; role: Role; name: string }> {
  const name = checkName(input.name);
  const role = checkRole(input.role);
  const key = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
  const { rows } = await pool.query<{ id: string }>('INSERT INTO api_keys (name, role, key_hash, key_prefix) VALUES ($1, $2, $3, $4) RETURNING id', [
    name,
    role,
    hashKey(key),
    key.slice(0, KEY_PREFIX.length + 6),
  ]);
  return { id: String(rows[0].id), key, role, name };
}

/** Revokes a key (again is harmless) and tells listening API processes; unknown ids are a NotFoundError. */
export async function revokeApiKey(pool: pg.Pool, id: string | number): Promise<ApiKeyRecord> {
  const keyId = checkId(id);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Row>(
      `UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
       RETURNING id, name, role, key_prefix, created_at, revoked_at`,
      [keyId],
    );
    if (rows.length === 0) {
      await client.query('ROLLBACK');
      throw new NotFoundError(`there is no API key with id ${keyId}`, 'id');
    }
    // NOTIFY is delivered at commit, so a listener never hears of a revocation that was rolled back.
    await client.query('SELECT pg_notify($1, $2)', [KEYS_CHANNEL, keyId]);
    await client.query('COMMIT');
    return record(rows[0]);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
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

/** Whether the key with this id exists and is not revoked: what keeps a revoked key's tokens from working. */
export async function isApiKeyActive(pool: pg.Pool, id: string): Promise<boolean> {
  if (!KEY_ID.test(id)) return false;
  const { rows } = await pool.query('SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL', [id]);
  return rows.length > 0;
}
