import type pg from 'pg';
import { InputError } from '../../platform/errors.ts';
import { QUOTATION_COLUMNS, quotationOf, type QuotationRow } from './quotation-loaders.ts';

/**
 * One page of quotations, newest first, Relay style: `first` items after an opaque cursor. The cursor carries the
 * last id seen, so a page is one index range on the primary key however deep the caller has paged, and
 * quotations made meanwhile never shift a page (offsets would).
 */
export const MAX_PAGE = 100;

export interface QuotationFilter {
  status?: string[] | null;
  from?: string | null;
  to?: string | null;
}

export interface QuotationPage {
  rows: QuotationRow[];
  hasNextPage: boolean;
  /** The same filter, every page: counted only when the caller asks for totalCount. */
  count: () => Promise<number>;
}

const CURSOR_PREFIX = 'quotation:';

export function cursorOf(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

export function idOfCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) throw new InputError('after must be a cursor from a previous page (edges.cursor or pageInfo.endCursor)', 'after');
  return id;
}

export async function quotationPage(db: Pick<pg.Pool, 'query'>, args: { filter?: QuotationFilter | null; first: number; after?: string | null }): Promise<QuotationPage> {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) throw new InputError(`first must be a whole number from 1 to ${MAX_PAGE}, got ${args.first}`, 'first');
  const filter = args.filter ?? {};
  if (filter.from && filter.to && filter.from > filter.to) throw new InputError(`filter.from (${filter.from}) is after filter.to (${filter.to})`, 'filter.from');
  const afterId = args.after ? idOfCursor(args.after) : null;
  const where = `($1::text[] IS NULL OR q.status = ANY($1)) AND ($2::date IS NULL OR q.departure_date >= $2) AND ($3::date IS NULL OR q.departure_date <= $3)`;
  const params = [filter.status?.length ? filter.status : null, filter.from ?? null, filter.to ?? null];
  const { rows } = await db.query(
    `SELECT ${QUOTATION_COLUMNS} FROM quotations q WHERE ${where} AND ($4::bigint IS NULL OR q.id < $4) ORDER BY q.id DESC LIMIT $5`,
    [...params, afterId, args.first + 1],
  );
  return {
    rows: rows.slice(0, args.first).map(quotationOf),
    hasNextPage: rows.length > args.first,
    count: async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM quotations q WHERE ${where}`, params)).rows[0].n),
  };
}
