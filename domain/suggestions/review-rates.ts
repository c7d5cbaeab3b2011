import type { ClickHouseClient } from '@clickhouse/client';
import { InputError } from '../../platform/errors.ts';
import type { AcceptanceCounts } from './suggestion-acceptance.ts';

/**
 * How pricing managers receive the model, from the decisions in ClickHouse: acceptance rate and average
 * override per model version, per destination, or both, over a window of decision dates. A falling acceptance
 * rate or a growing average override for a new model version is the signal to look at it before it does harm.
 */
export type RatesGrouping = 'model_version' | 'destination' | 'model_version_destination';

/** The counts of suggestion-acceptance.ts, per model version and destination, with the mean size of an override. */
export interface ReviewRate extends AcceptanceCounts {
  modelVersion: string | null;
  destinationId: number | null;
  /** Mean of |override − suggested| / suggested over overrides; null without overrides. */
  avgAbsOverride: number | null;
}

const GROUPS: Record<RatesGrouping, string[]> = {
  model_version: ['model_version'],
  destination: ['destination_id'],
  model_version_destination: ['model_version', 'destination_id'],
};

export async function reviewRates(
  clickhouse: ClickHouseClient,
  options: { by: RatesGrouping; from?: string; to?: string },
): Promise<ReviewRate[]> {
  const columns = GROUPS[options.by];
  if (!columns) throw new InputError(`by must be one of ${Object.keys(GROUPS).join(', ')}, got ${JSON.stringify(options.by)}`, 'by');
  const where: string[] = [];
  if (options.from) where.push('decided_at >= parseDateTime64BestEffort({from:String}, 6)');
  if (options.to) where.push('decided_at < parseDateTime64BestEffort({to:String}, 6)');
  // The grouping columns come from the fixed table above, never from the caller.
  const result = await clickhouse.query({
    query: `
      SELECT ${columns.join(', ')},
             count() AS decisions,
             countIf(action IN ('accept', 'auto_accept')) AS accepted,
             countIf(action = 'auto_accept') AS auto_accepted,
             countIf(action = 'override') AS overridden,
             countIf(action = 'reject') AS rejected,
             accepted / decisions AS acceptance_rate,
             if(overridden = 0, NULL, avgIf(toFloat64(decided_price - suggested_price) / toFloat64(suggested_price), action = 'override')) AS avg_override,
             if(overridden = 0, NULL, avgIf(abs(toFloat64(decided_price - suggested_price)) / toFloat64(suggested_price), action = 'override')) AS avg_abs_override
        FROM suggestion_decisions FINAL
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       GROUP BY ${columns.join(', ')}
       ORDER BY ${columns.join(', ')}`,
    query_params: { from: options.from ?? '', to: options.to ?? '' },
    format: 'JSONEachRow',
  });
  const rows = await result.json<Record<string, string | number | null>>();
  return rows.map((r) => ({
    modelVersion: r.model_version === undefined ? null : String(r.model_version),
    destinationId: r.destination_id === undefined ? null : Number(r.destination_id),
    decisions: Number(r.decisions),
    accepted: Number(r.accepted),
    autoAccepted: Number(r.auto_accepted),
    overridden: Number(r.overridden),
    rejected: Number(r.rejected),
    acceptanceRate: Number(r.acceptance_rate),
    avgOverride: r.avg_override === null ? null : Number(r.avg_override),
    avgAbsOverride: r.avg_abs_override === null ? null : Number(r.avg_abs_override),
  }));
}
