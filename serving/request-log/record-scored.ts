import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServingContext } from '../context.ts';
import { clickhouseTime } from './request-log.ts';

/**
 * An answer's features and response as JSON members (`"features":…,"response":…`), encoded once for an answer that
 * is served — and logged — again and again (a remembered recommendation), rather than once per request.
 */
export class EncodedParts {
  private constructor(readonly json: string) {}

  static of(features: unknown, response: unknown): EncodedParts {
    return new EncodedParts(`"features":${JSON.stringify(features) ?? 'null'},"response":${JSON.stringify(response) ?? 'null'}`);
  }
}

interface ScoredItemBase {
  family: string;
  modelVersion: string;
  featureSnapshotId: string;
  defaultedFeatures: string[];
  /** Position in a batch; 0 for single requests. */
  item?: number;
  subject: string;
  quotationId?: number | null;
  customerId?: number | null;
  input: unknown;
}

export type ScoredItem = ScoredItemBase & ({ features: unknown; response: unknown } | { encoded: EncodedParts });

/** Queues one scored item for the scored-request log (never waits on ClickHouse) and counts it in /metrics. */
export function recordScored(ctx: ServingContext, request: FastifyRequest, reply: FastifyReply, scored: ScoredItem): void {
  ctx.metrics.scored.inc({ family: scored.family, version: scored.modelVersion });
  const row = {
    request_id: request.id,
    item: scored.item ?? 0,
    scored_at: clickhouseTime(new Date()),
    route: request.routeOptions.url ?? '',
    family: scored.family,
    model_version: scored.modelVersion,
    feature_snapshot_id: scored.featureSnapshotId,
    defaulted_features: scored.defaultedFeatures,
    caller_kind: request.principal?.kind ?? '',
    caller_id: request.principal?.id ?? '',
    caller_role: request.principal?.role ?? '',
    subject: scored.subject,
    quotation_id: scored.quotationId ?? null,
    customer_id: scored.customerId ?? null,
    request: scored.input,
    latency_ms: Number(reply.elapsedTime.toFixed(3)),
  };
  if ('encoded' in scored) ctx.requestLog.recordWith(row, scored.encoded.json);
  // Object.assign, not a spread: `{ ...row, features, response }` of this 16-field row took V8's slow path, 3.3–4.6 µs
  // instead of 0.15 µs (bench microbenchmark), and in the API it was most of the old generation's growth under price
  // traffic (3.3 → 1.25 MB/s at 2,000 requests/s), i.e. of the full collections that stop the API thread.
  else ctx.requestLog.record(Object.assign(row, { features: scored.features, response: scored.response }));
}

/** Snapshot ids of availability lists already in the log (bounded: forgetting one only logs its list again). */
const loggedAvailability = new Set<string>();
const MAX_REMEMBERED = 10_000;

/**
 * Recommendations log the availability they were filtered with as a snapshot id; the list itself is logged once per
 * id, as a row of family `availability` whose feature_snapshot_id is that id (join on it to replay).
 */
export function recordAvailabilityOnce(ctx: ServingContext, request: FastifyRequest, window: { from: string; to: string }, availability: { snapshotId: string; itineraries: readonly string[] }): void {
  if (loggedAvailability.has(availability.snapshotId)) return;
  if (loggedAvailability.size >= MAX_REMEMBERED) loggedAvailability.clear();
  loggedAvailability.add(availability.snapshotId);
  ctx.requestLog.record({
    request_id: request.id,
    item: 0,
    scored_at: clickhouseTime(new Date()),
    route: request.routeOptions.url ?? '',
    family: 'availability',
    model_version: '',
    feature_snapshot_id: availability.snapshotId,
    defaulted_features: [],
    caller_kind: request.principal?.kind ?? '',
    caller_id: request.principal?.id ?? '',
    caller_role: request.principal?.role ?? '',
    subject: `${window.from}..${window.to}`,
    quotation_id: null,
    customer_id: null,
    request: window,
    features: [...availability.itineraries].sort(),
    response: {},
    latency_ms: 0,
  });
}
