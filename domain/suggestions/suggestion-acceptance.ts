import type { ClickHouseClient } from '@clickhouse/client';
import { InputError } from '../../platform/errors.ts';

/**
 * How often suggestions are taken, per model version and per manager, from the acceptance mart in ClickHouse
 * (pipelines/warehouse/migrations/053, fed as the scheduled ingest copies decisions): what the review page shows
 * and GET /v1/suggestions/acceptance serves. Accepted counts a manager's accepts and the band's auto-accepts; the
 * average override is the signed move from the suggested price (−0.05: managers priced 5% under the model).
 */
export interface AcceptanceCounts {
  decisions: number;
  accepted: number;
  autoAccepted: number;
  overridden: number;
  rejected: number;
  acceptanceRate: number;
  /** Null without overrides. */
  avgOverride: number | null;
}

export interface SuggestionAcceptance {
  from: string | null;
  to: string | null;
  /** When the newest decision in the warehouse was made: decisions after it are not counted yet. Null when none. */
  decidedThrough: string | null;
  byModelVersion: Array<{ modelVersion: string } & AcceptanceCounts>;
  /** Managers by their credential's name and role; auto-accepts appear as `system:auto-accept`. */
  byManager: Array<{ decidedBy: string; role: string } & AcceptanceCounts>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

const COUNTS = `
  uniqExactMerge(decisions) AS n_decisions,
  uniqExactIfMerge(accepted) AS n_accepted,
  uniqExactIfMerge(auto_accepted) AS n_auto_accepted,
  uniqExactIfMerge(overridden) AS n_overridden,
  uniqExactIfMerge(rejected) AS n_rejected,
  if(n_overridden = 0, NULL, arrayReduce('avg', arrayMap(c -> c.2, groupUniqArrayIfMerge(override_changes)))) AS avg_override`;

interface CountRow {
  n_decisions: string;
  n_accepted: string;
  n_auto_accepted: string;
  n_overridden: string;
  n_rejected: string;
  avg_override: number | null;
}

function countsOf(r: CountRow): AcceptanceCounts {
  const decisions = Number(r.n_decisions);
  const accepted = Number(r.n_accepted);
  return {
    decisions,
    accepted,
    autoAccepted: Number(r.n_auto_accepted),
    overridden: Number(r.n_overridden),
    rejected: Number(r.n_rejected),
    acceptanceRate: decisions === 0 ? 0 : accepted / decisions,
    avgOverride: r.avg_override === null ? null : Number(r.avg_override),
  };
}

/** Over the days decided from `from` to `to` (both included, YYYY-MM-DD, days in Lima, where managers decide); every day when left out. */
export async function suggestionAcceptance(clickhouse: ClickHouseClient, window: { from?: string; to?: string } = {}): Promise<SuggestionAcceptance> {
  for (const field of ['from', 'to'] as const) {
    const day = window[field];
    if (day !== undefined && !DAY.test(day)) throw new InputError(`${field} must be a date (YYYY-MM-DD), got ${JSON.stringify(day)}`, field);
  }
  if (window.from && window.to && window.from > window.to) throw new InputError(`from (${window.from}) is after to (${window.to})`, 'from');
  const where: string[] = [];
  if (window.from) where.push('day >= {from:Date}');
  if (window.to) where.push('day <= {to:Date}');
  const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const params = { from: window.from, to: window.to };
  const read = async <T>(query: string): Promise<T[]> => (await clickhouse.query({ query, query_params: params, format: 'JSONEachRow' })).json<T>();

  const [models, managers, newest] = await Promise.all([
    read<CountRow & { model_version: string }>(`SELECT model_version, ${COUNTS} FROM mart_suggestion_acceptance ${filter} GROUP BY model_version ORDER BY model_version`),
    read<CountRow & { decided_by: string; decided_by_role: string }>(
      `SELECT decided_by, decided_by_role, ${COUNTS} FROM mart_suggestion_acceptance ${filter} GROUP BY decided_by, decided_by_role ORDER BY decided_by, decided_by_role`,
    ),
    read<{ at: string | null }>(`SELECT if(count() = 0, NULL, formatDateTime(max(decided_at), '%Y-%m-%dT%H:%i:%SZ')) AS at FROM suggestion_decisions`),
  ]);
  return {
    from: window.from ?? null,
    to: window.to ?? null,
    decidedThrough: newest[0]?.at ?? null,
    byModelVersion: models.map((r) => ({ modelVersion: r.model_version, ...countsOf(r) })),
    byManager: managers.map((r) => ({ decidedBy: r.decided_by, role: r.decided_by_role, ...countsOf(r) })),
  };
}
