import type pg from 'pg';

/**
 * A tombstone in `ingest_deletions` (the whole old row, personal data included) is needed only until the
 * warehouses have copied it. After a run that copied a table up to its horizon, every tombstone of that table
 * below the horizon is in ClickHouse; it is kept `keepDays` longer for another warehouse reading the same booking
 * system (a staging copy, one being rebuilt), then deleted, so the table does not grow forever and an erased
 * customer's old rows do not outlive the grace period. Tombstones at or above the horizon wait for the next run.
 */
export async function forgetCopiedTombstones(pool: pg.Pool, tables: readonly string[], horizon: string, keepDays: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM ingest_deletions
      WHERE table_name = ANY($1::text[]) AND change_xid < $2::bigint AND created_at < now() - make_interval(days => $3)`,
    [tables, horizon, keepDays],
  );
  return rowCount ?? 0;
}
