import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServingContext } from '../context.ts';
import { clickhouseTime } from './request-log.ts';

export interface ScoredItem {
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
  features: unknown;
  response: unknown;
}

/** Queues one scored item for the scored-request log (never waits on ClickHouse) and counts it in /metrics. */
export function recordScored(ctx: ServingContext, request: FastifyRequest, reply: FastifyReply, scored: ScoredItem): void {
  ctx.metrics.scored.inc({ family: scored.family, version: scored.modelVersion });
  ctx.requestLog.record({
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
    request: JSON.stringify(scored.input),
    features: JSON.stringify(scored.features),
    response: JSON.stringify(scored.response),
    latency_ms: Number(reply.elapsedTime.toFixed(3)),
  });
}
