import type pg from 'pg';
import type { Redis } from 'ioredis';
import type { Logger } from '../../platform/log.ts';
import { streamBacklog, type StreamSettings } from '../../platform/event-stream.ts';
import type { ApiMetrics } from '../metrics/api-metrics.ts';

export interface OutboxBacklog {
  /** Domain events committed in PostgreSQL and not yet handed to the stream (or to ClickHouse). */
  unpublished: number;
  oldestUnpublishedSeconds: number | null;
}

export interface StreamLag {
  /** Entries the consumer group has not acknowledged. */
  unacknowledged: number;
  /** OUTBOX_STREAM_MAXLEN: at this many the relay stops publishing and events wait in PostgreSQL. */
  capacity: number;
}

export interface EventBacklogSample {
  at: string;
  /** Null when PostgreSQL could not be asked. */
  outbox: OutboxBacklog | null;
  /** Null without Redis (events go straight to ClickHouse), before the stream exists, or when Redis could not be asked. */
  stream: StreamLag | null;
}

/** Events waiting this long to be published are worth a warning: the relay is down or the stream is full. */
const OUTBOX_LATE_SECONDS = 60;

/** The /ready warnings a sample gives, in words a caller can act on. */
export function eventBacklogWarnings(sample: EventBacklogSample | undefined): string[] {
  const warnings: string[] = [];
  const stream = sample?.stream;
  if (stream && stream.unacknowledged >= stream.capacity) {
    warnings.push('the event stream is full: its consumer is behind, so new domain events wait in the booking database (none is lost) and reach the warehouse late');
  } else if (stream && stream.unacknowledged >= stream.capacity / 2) {
    warnings.push('the event stream’s consumer is behind: domain events reach the warehouse late');
  }
  const oldest = sample?.outbox?.oldestUnpublishedSeconds;
  if (oldest !== null && oldest !== undefined && oldest > OUTBOX_LATE_SECONDS) warnings.push('domain events are waiting to be published (none is lost): they reach the warehouse late');
  return warnings;
}

/**
 * How far the domain events lag on their way to ClickHouse, sampled every few seconds: outbox rows not yet
 * published (PostgreSQL) and stream entries the consumer group has not acknowledged (Redis, when there is one).
 * Each sample sets the metrics; /ready warns from the latest, so readiness costs no query for it.
 */
export class EventBacklogMonitor {
  latest: EventBacklogSample | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<EventBacklogSample> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly redis: Redis | undefined,
    private readonly stream: StreamSettings,
    private readonly metrics: ApiMetrics,
    private readonly log: Logger,
  ) {}

  start(everyMs: number): void {
    if (everyMs <= 0 || this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), everyMs);
    this.timer.unref();
  }

  /** Samples now (concurrent callers share one sample). */
  sample(): Promise<EventBacklogSample> {
    this.sampling ??= this.take().finally(() => (this.sampling = undefined));
    return this.sampling;
  }

  private async take(): Promise<EventBacklogSample> {
    const [outbox, stream] = await Promise.all([this.outboxBacklog(), this.streamLag()]);
    const sample = { at: new Date().toISOString(), outbox, stream };
    if (outbox) {
      this.metrics.outboxUnpublished.set({}, outbox.unpublished);
      this.metrics.outboxOldestSeconds.set({}, outbox.oldestUnpublishedSeconds ?? 0);
    }
    if (stream) this.metrics.streamUnacknowledged.set({}, stream.unacknowledged);
    this.latest = sample;
    return sample;
  }

  private async outboxBacklog(): Promise<OutboxBacklog | null> {
    try {
      const { rows } = await this.pool.query<{ n: string; oldest: number | null }>(
        `SELECT count(*) AS n, EXTRACT(EPOCH FROM clock_timestamp() - min(occurred_at))::float8 AS oldest FROM outbox_events WHERE published_at IS NULL`,
      );
      return { unpublished: Number(rows[0].n), oldestUnpublishedSeconds: rows[0].oldest === null ? null : Math.round(rows[0].oldest) };
    } catch (err) {
      this.log.debug('outbox backlog not sampled', { error: (err as Error).message });
      return null;
    }
  }

  private async streamLag(): Promise<StreamLag | null> {
    if (!this.redis) return null;
    try {
      const backlog = await streamBacklog(this.redis, this.stream.key);
      return backlog ? { unacknowledged: backlog.unacknowledged, capacity: this.stream.maxLength } : null;
    } catch (err) {
      this.log.debug('event stream lag not sampled', { error: (err as Error).message });
      return null;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling?.catch(() => undefined);
  }
}
