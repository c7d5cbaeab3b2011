import type { Watermark } from './watermark.ts';

/**
 * How a batch of the incremental ingest is inserted so that a retry of it is dropped by a replicated table
 * (CLICKHOUSE_CLUSTER): the batch is named by its range, (start, end] in (change_xid, key) order, and sent as one
 * block, so the name covers the whole batch and nothing else.
 *
 * The name is safe to reuse because a range only ever loses rows: every transaction below a run's horizon has
 * ended, so no row can enter a range that lies below it, while a row updated or deleted since leaves it for a
 * larger change_xid that a later batch copies. A retried batch of the same range therefore holds what was inserted,
 * or less, and dropping it loses nothing. (A tombstone that reappears because its key was deleted again is older
 * than the deletion that brings it back, which is copied anyway.)
 *
 * One block matters: ClickHouse numbers the blocks of a longer insert under the same token, and a block of a
 * retry whose range lost rows would hold other rows than the block of that number in the first attempt. So the
 * parser may not split the batch (max_insert_block_size covers it; parallel parsing cuts by bytes).
 *
 * First loads (rows in storage order, no range) and ClickHouse's own pull (INSERT … SELECT, many blocks) carry no
 * token: a repeat of those collapses in ReplacingMergeTree (same version), as it always has. A non-replicated
 * table ignores the token unless non_replicated_deduplication_window is set, which the warehouse does not set.
 */
export function batchInsertSettings(table: string, parts: 'all' | 'deletions', start: Omit<Watermark, 'rowsTotal'>, end: Omit<Watermark, 'rowsTotal'>, batchRows: number): Record<string, string | number> {
  const place = (w: Omit<Watermark, 'rowsTotal'>) => `${w.changeXid}:${w.key.join(',')}`;
  return {
    insert_deduplication_token: `ingest/${table}/${parts}/${place(start)}..${place(end)}`,
    max_insert_block_size: Math.max(batchRows, 1_048_449),
    input_format_parallel_parsing: 0,
  };
}
