import crypto from 'node:crypto';
import type pg from 'pg';

/**
 * Logs keep their aggregates after an erasure: the customer's id is replaced by a keyed pseudonym, the same for
 * every row of that customer, that nobody without the key can map back to the id. The key is generated once and
 * kept in the booking system (pseudonym_keys), never exported or printed. Pseudonyms have the top bit set, so they
 * can never be mistaken for a real customer id.
 */
const TOP_BIT = 1n << 63n;

export async function pseudonymKey(pool: pg.Pool | pg.PoolClient): Promise<Buffer> {
  await pool.query('INSERT INTO pseudonym_keys (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [crypto.randomBytes(32)]);
  const { rows } = await pool.query<{ key: Buffer }>('SELECT key FROM pseudonym_keys WHERE id = 1');
  return rows[0].key;
}

export function pseudonymOf(key: Buffer, customerId: number): bigint {
  const digest = crypto.createHmac('sha256', key).update(`customer:${customerId}`).digest();
  return digest.readBigUInt64BE(0) | TOP_BIT;
}

/** The key when one was ever made (an erasure made it), without making one: no key, no erased reference. */
export async function existingPseudonymKey(db: Pick<pg.ClientBase, 'query'>): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ key: Buffer }>('SELECT key FROM pseudonym_keys WHERE id = 1');
  return rows[0]?.key;
}

/** An erased customer's outside reference as it is remembered (erased_customer_refs): keyed, so not readable back. */
export function erasedRefHash(key: Buffer, ref: string): Buffer {
  return crypto.createHmac('sha256', key).update(`external_ref:${ref}`).digest();
}
