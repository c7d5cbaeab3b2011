import type { ClickHouseClient } from '@clickhouse/client';
import { NotFoundError } from '../platform/errors.ts';
import { ALL_FACTS } from './known-facts.ts';
import type { FeatureTable } from './materialise.ts';
import { chDateTime, parseChDateTime, queryRows } from './warehouse-query.ts';

/**
 * When the features describe. By default the moment after the last fact in the warehouse, but never later than
 * now: a live system's today is not over (its daily demand is incomplete), while a historical or generated
 * booking system whose last fact is in the past is complete up to the midnight after that fact.
 */
export async function defaultAsOf(client: ClickHouseClient, now: Date = new Date()): Promise<Date> {
  const [row] = await queryRows<{ last: string; facts: string }>(
    client,
    `WITH ${ALL_FACTS.join(',\n')}
     SELECT toString(greatest(
       (SELECT max(known_at) FROM booking_facts), (SELECT max(known_at) FROM quotation_facts),
       (SELECT max(known_at) FROM rating_facts), (SELECT max(known_at) FROM cancellation_facts))) AS last,
       (SELECT count() FROM booking_facts) + (SELECT count() FROM quotation_facts) AS facts`,
  );
  if (!row || Number(row.facts) === 0) throw new NotFoundError('the warehouse has no bookings or quotations yet: run the ingest first', 'bookings');
  const last = parseChDateTime(row.last);
  const midnightAfter = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth(), last.getUTCDate() + 1));
  return midnightAfter < now ? midnightAfter : now;
}

export async function recordFeatureBuild(client: ClickHouseClient, table: FeatureTable, asOf: Date, rows: number, runId: string): Promise<void> {
  await client.insert({ table: 'feature_builds', values: [{ table_name: table, as_of: chDateTime(asOf), rows, run_id: runId, built_at: chDateTime(new Date()) }], format: 'JSONEachRow' });
}

/** The latest build of a feature table; NotFoundError when build-features has not run. */
export async function latestFeatureBuild(client: ClickHouseClient, table: FeatureTable): Promise<{ asOf: Date; rows: number; runId: string }> {
  const [row] = await queryRows<{ as_of: string; rows: string; run_id: string }>(
    client,
    `SELECT toString(argMax(as_of, built_at)) AS as_of, argMax(rows, built_at) AS rows, argMax(run_id, built_at) AS run_id, count() AS n
     FROM feature_builds WHERE table_name = {table:String} HAVING n > 0`,
    { table },
  );
  if (!row) throw new NotFoundError(`feature table ${table} has not been built yet: run the build-features step first`, 'table');
  return { asOf: parseChDateTime(row.as_of), rows: Number(row.rows), runId: row.run_id };
}

/** When the first fact in the warehouse became known: the start of every model's data window. */
export async function firstFactAt(client: ClickHouseClient): Promise<Date> {
  const [row] = await queryRows<{ first: string }>(
    client,
    `WITH ${ALL_FACTS.join(',\n')}
     SELECT toString(min(known_at)) AS first FROM (SELECT known_at FROM booking_facts UNION ALL SELECT known_at FROM quotation_facts)`,
  );
  return parseChDateTime(row.first);
}
