import crypto from 'node:crypto';
import type pg from 'pg';
import { InputError } from '../../platform/errors.ts';

/**
 * Members of a group quotation and their personal access. A member's token is shown once, when the member is
 * added (to be sent in their own link), and only its sha256 is stored: whoever holds the token sees that
 * member's share and nothing else (member-view.ts).
 */
export const MEMBER_TOKEN_PREFIX = 'qm_';

export interface NewMember {
  id: number;
  name: string;
  travellerIndex: number;
  /** Only when the member is created. */
  accessToken?: string;
}

export function hashMemberToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function newToken(): string {
  return MEMBER_TOKEN_PREFIX + crypto.randomBytes(24).toString('base64url');
}

export async function addMembers(client: pg.PoolClient, quotationId: number, names: string[]): Promise<NewMember[]> {
  const members: NewMember[] = [];
  for (const [travellerIndex, name] of names.entries()) {
    const accessToken = newToken();
    const { rows } = await client.query<{ id: string }>(
      'INSERT INTO quotation_members (quotation_id, name, access_token_hash) VALUES ($1, $2, $3) RETURNING id',
      [quotationId, name, hashMemberToken(accessToken)],
    );
    members.push({ id: Number(rows[0].id), name, travellerIndex, accessToken });
  }
  return members;
}

/** The members of the quotation's current version, in traveller order. */
export async function currentMembers(db: pg.Pool | pg.PoolClient, quotationId: number): Promise<NewMember[]> {
  const { rows } = await db.query(
    `SELECT m.id, m.name, s.traveller_index FROM quotation_members m
       JOIN quotations q ON q.id = m.quotation_id
       JOIN quotation_member_shares s ON s.member_id = m.id AND s.quotation_id = q.id AND s.version = q.current_version
      WHERE m.quotation_id = $1 AND m.removed_at IS NULL ORDER BY s.traveller_index`,
    [quotationId],
  );
  return rows.map((r) => ({ id: Number(r.id), name: r.name, travellerIndex: r.traveller_index }));
}

/**
 * Replaces the members: listed ids keep their identity and token (their new position is their place in the
 * list), new names get new tokens, members left out lose access.
 */
export async function replaceMembers(client: pg.PoolClient, quotationId: number, wanted: Array<{ id?: number; name: string }>): Promise<NewMember[]> {
  const existing = await client.query<{ id: string }>('SELECT id FROM quotation_members WHERE quotation_id = $1 AND removed_at IS NULL', [quotationId]);
  const known = new Set(existing.rows.map((r) => Number(r.id)));
  const kept = new Set<number>();
  wanted.forEach((m, i) => {
    if (m.id === undefined) return;
    if (!known.has(m.id)) throw new InputError(`members[${i}].id ${m.id} is not a member of quotation ${quotationId}`, `members[${i}].id`);
    if (kept.has(m.id)) throw new InputError(`members[${i}].id ${m.id} is listed twice`, `members[${i}].id`);
    kept.add(m.id);
  });
  const removed = [...known].filter((id) => !kept.has(id));
  if (removed.length) await client.query('UPDATE quotation_members SET removed_at = now() WHERE id = ANY($1::bigint[])', [removed]);
  const result: NewMember[] = [];
  for (const [travellerIndex, m] of wanted.entries()) {
    if (m.id !== undefined) {
      await client.query('UPDATE quotation_members SET name = $2 WHERE id = $1', [m.id, m.name]);
      result.push({ id: m.id, name: m.name, travellerIndex });
    } else {
      const [added] = await addMembers(client, quotationId, [m.name]);
      result.push({ ...added, travellerIndex });
    }
  }
  return result;
}
