import type pg from 'pg';

/**
 * Cost-plus: what a pricing manager does without a model, cost times the house markup. The markup is the median
 * of the quotations of the same service level over the last `days` (the median, so a few negotiated or
 * mistyped prices do not move it); with too few of them, a fixed default. It prices a new quotation before its
 * suggestion is reviewed, and every quotation while the scoring API is down.
 */
export const DEFAULT_MARKUP = 1.3;
export const MIN_QUOTATIONS_FOR_MARKUP = 20;

export interface Markup {
  markup: number;
  /** How many quotations the median came from; 0 when the default was used. */
  basis: number;
}

export async function houseMarkup(db: pg.Pool | pg.PoolClient, serviceLevel: string, at: Date = new Date(), days = 365): Promise<Markup> {
  const { rows } = await db.query<{ markup: number | null; n: string }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY q.price_total / q.cost_total)::float8 AS markup, count(*) AS n
       FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id
      WHERE i.service_level = $1::service_level AND q.cost_total > 0 AND q.price_total > 0
        AND q.quoted_at > $2::timestamptz - make_interval(days => $3) AND q.quoted_at <= $2::timestamptz`,
    [serviceLevel, at.toISOString(), days],
  );
  const n = Number(rows[0].n);
  if (n < MIN_QUOTATIONS_FOR_MARKUP || rows[0].markup === null) return { markup: DEFAULT_MARKUP, basis: 0 };
  return { markup: rows[0].markup, basis: n };
}

export function costPlusPrice(cost: number, markup: number): number {
  return Math.round(cost * markup * 100) / 100;
}
