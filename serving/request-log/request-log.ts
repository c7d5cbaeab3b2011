import type { ClickHouseClient } from '@clickhouse/client';
import { insertFormatted } from '../../platform/clickhouse.ts';
import { EncodedRows } from './encoded-rows.ts';
import type { Logger } from '../../platform/log.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';

/** One scored item, as it lands in ClickHouse's scored_requests (pipelines/warehouse/migrations/010). */
export interface ScoredRequestRow {
  request_id: string;
  item: number;
  scored_at: string;
  route: string;
  family: string;
  model_version: string;
  feature_snapshot_id: string;
  defaulted_features: string[];
  caller_kind: string;
  caller_id: string;
  caller_role: string;
  subject: string;
  quotation_id: number | null;
  customer_id: number | null;
  /** JSON values (objects, arrays or text): ClickHouse keeps each as its JSON text in a String column. */
  request: unknown;
  features: unknown;
  response: unknown;
  latency_ms: number;
}

export const SCORED_REQUESTS_TABLE = 'scored_requests';

const INSERT_SETTINGS = {
  input_format_json_read_objects_as_strings: 1,
  input_format_json_read_arrays_as_strings: 1,
  // One thread: with chDB the insert runs in the API's process, and a parser on every core takes the core the API's
  // own thread answers on — a latency spike at every flush. A log of scored requests is never in a hurry.
  input_format_parallel_parsing: 0,
  max_insert_threads: 1,
  max_threads: 1,
  // And the lowest priority: where cores are short, answering requests comes before writing their log.
  os_thread_priority: 19,
};

const SCORED_REQUEST_COLUMNS = [
  'request_id', 'item', 'scored_at', 'route', 'family', 'model_version', 'feature_snapshot_id', 'defaulted_features', 'caller_kind',
  'caller_id', 'caller_role', 'subject', 'quotation_id', 'customer_id', 'request', 'features', 'response', 'latency_ms',
] as const satisfies ReadonlyArray<keyof ScoredRequestRow>;

/** ClickHouse's basic DateTime64 text, which every input format setting accepts. */
export function clickhouseTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/**
 * The log of scored requests, written off the request path: `record` only appends to a buffer, which is
 * inserted into ClickHouse every `flushMs` or as soon as `batchRows` are waiting. While ClickHouse is
 * unreachable rows wait (and are retried) up to `maxBuffered`; past that the oldest are dropped, counted in
 * /metrics and logged — a full buffer must not take the API's memory with it.
 */
export class RequestLog {
  /**
   * Rows as JSON lines, encoded to bytes when recorded into reused slabs of at most `batchRows` rows (encoded-rows.ts):
   * nothing of a row's object graph outlives its request, and a flush neither joins strings nor allocates.
   */
  private readonly buffer: EncodedRows;
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;

  constructor(
    private readonly clickhouse: ClickHouseClient,
    private readonly log: Logger,
    private readonly metrics: ApiMetrics,
    private readonly options: { flushMs: number; batchRows: number; maxBuffered: number },
  ) {
    this.buffer = new EncodedRows(undefined, options.batchRows);
    metrics.registry.onCollect(() => metrics.requestLogBuffered.set({}, this.buffer.rows));
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  record(row: ScoredRequestRow): void {
    this.push(JSON.stringify(row));
  }

  /** A row whose features and response are already JSON members (`"features":…,"response":…`, see EncodedParts). */
  recordWith(row: Omit<ScoredRequestRow, 'features' | 'response'>, featuresAndResponse: string): void {
    const head = JSON.stringify(row);
    this.push(`${head.slice(0, -1)},${featuresAndResponse}}`);
  }

  private push(line: string): void {
    this.buffer.push(line);
    if (this.buffer.rows > this.options.maxBuffered) {
      const excess = this.buffer.rows - this.options.maxBuffered;
      this.buffer.dropOldest(excess);
      this.noteDropped(excess);
    }
    if (this.buffer.rows >= this.options.batchRows && !this.flushing) void this.flush();
  }

  get pending(): number {
    return this.buffer.rows;
  }

  /** Writes what is buffered; resolves when that write is over (successful or not). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.rows === 0) return Promise.resolve();
    this.flushing = this.writeBatches().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /**
   * Writes the rows waiting when the flush began (and any batch that fills up meanwhile). A partly filled batch
   * recorded during the inserts waits for the next flush: writing it too, then what arrived during that, and so on,
   * was an endless run of inserts of a few dozen rows each under steady traffic, each a part for ClickHouse to merge
   * again.
   */
  private async writeBatches(): Promise<void> {
    this.buffer.seal();
    for (let batch = this.buffer.take(); batch; batch = this.buffer.take()) {
      try {
        // Handed over as is, one JSON line per row: the fastest insert each kind of ClickHouse offers.
        // request/features/response stay nested JSON (not JSON in a string): one encoding instead of two, and no
        // escaped quotes for ClickHouse to undo; it stores each nested value's text as the String column.
        await insertFormatted(this.clickhouse, { table: SCORED_REQUESTS_TABLE, columns: SCORED_REQUEST_COLUMNS, format: 'JSONEachRow', body: batch.body, settings: INSERT_SETTINGS });
        this.metrics.requestLogRows.inc({ outcome: 'written' }, batch.rows);
        this.buffer.release(batch);
      } catch (err) {
        // Back to the front, in order, for the next flush; the bound on the buffer still holds.
        this.buffer.putBack(batch);
        const excess = this.buffer.rows - this.options.maxBuffered;
        if (excess > 0) {
          this.buffer.dropOldest(excess);
          this.noteDropped(excess);
        }
        this.log.warn('scored-request log not written; will retry', { rows: batch.rows, buffered: this.buffer.rows, error: (err as Error).message });
        return;
      }
    }
  }

  private noteDropped(count: number): void {
    this.metrics.requestLogRows.inc({ outcome: 'dropped' }, count);
    this.dropped += count;
    this.log.error('scored-request log buffer full: oldest rows dropped', { dropped: count, droppedTotal: this.dropped, maxBuffered: this.options.maxBuffered });
  }

  /** Stops the timer and writes what is left (one attempt: a process shutting down cannot wait for ClickHouse forever). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
    if (this.buffer.rows > 0) this.log.error('scored-request log rows lost at shutdown', { rows: this.buffer.rows });
  }
}
