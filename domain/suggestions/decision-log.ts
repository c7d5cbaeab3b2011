import type pg from 'pg';
import { InputError } from '../../platform/errors.ts';
import { DECISION_COLUMNS, toDecision, type Decision } from './decision-record.ts';

/** The audit trail: decisions, newest first, optionally by who made them and when. */
export async function listDecisions(
  db: pg.Pool | pg.PoolClient,
  filter: { from?: string; to?: string; decidedBy?: string; limit?: number } = {},
): Promise<Decision[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  // A window that ends before it starts holds nothing: said, rather than answered with an empty list.
  if (filter.from && filter.to && Date.parse(filter.from) > Date.parse(filter.to)) throw new InputError(`from (${filter.from}) is after to (${filter.to})`, 'from');
  if (filter.from) add('decided_at >= ?::timestamptz', filter.from);
  if (filter.to) add('decided_at < ?::timestamptz', filter.to);
  if (filter.decidedBy) add('decided_by = ?', filter.decidedBy);
  params.push(filter.limit ?? 100);
  const { rows } = await db.query(
    `SELECT ${DECISION_COLUMNS} FROM suggestion_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY decided_at DESC, id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toDecision);
}
