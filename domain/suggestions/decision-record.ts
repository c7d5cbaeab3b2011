import type pg from 'pg';

/**
 * The immutable record of a decision on a suggestion. It copies the suggestion as it stood (prices, interval,
 * guardrail, model version, features), so an audit or a training export needs nothing else, and the table's
 * triggers refuse any later update or delete.
 */
export type DecisionAction = 'auto_accept' | 'accept' | 'override' | 'reject';

export interface Decision {
  id: number;
  suggestionId: number;
  action: DecisionAction;
  decidedPrice: number;
  reason: string | null;
  decidedBy: string;
  decidedByRole: string;
  autoAcceptBandId: number | null;
  resultingVersion: number | null;
  quotationId: number;
  suggestedPrice: number;
  currentPrice: number;
  modelVersion: string;
  decidedAt: string;
  /** An override the manager confirmed under cost, the guardrail floor or the list-price band; null otherwise. */
  belowGuardrail: LimitBelow | null;
  /** An override the manager confirmed above the guardrail ceiling, the list-price band or the highest expected price. */
  aboveGuardrail: LimitAbove | null;
}

/** What an override's price went under, the strongest first. */
export type LimitBelow = 'cost' | 'floor' | 'list_band';
/** What it went over: a guardrail's ceiling, the list-price band's high end, or only the highest price expected. */
export type LimitAbove = 'ceiling' | 'list_band' | 'highest_expected';

export const DECISION_COLUMNS = `id, suggestion_id, action, decided_price::float8 AS decided_price, reason, decided_by, decided_by_role,
  auto_accept_band_id, resulting_version, quotation_id, suggested_price::float8 AS suggested_price, current_price::float8 AS current_price,
  model_version, decided_at, below_guardrail, above_guardrail`;

export function toDecision(r: Record<string, unknown>): Decision {
  return {
    id: Number(r.id),
    suggestionId: Number(r.suggestion_id),
    action: r.action as DecisionAction,
    decidedPrice: Number(r.decided_price),
    reason: (r.reason as string | null) ?? null,
    decidedBy: String(r.decided_by),
    decidedByRole: String(r.decided_by_role),
    autoAcceptBandId: r.auto_accept_band_id === null ? null : Number(r.auto_accept_band_id),
    resultingVersion: (r.resulting_version as number | null) ?? null,
    quotationId: Number(r.quotation_id),
    suggestedPrice: Number(r.suggested_price),
    currentPrice: Number(r.current_price),
    modelVersion: String(r.model_version),
    decidedAt: (r.decided_at as Date).toISOString(),
    belowGuardrail: (r.below_guardrail as LimitBelow | null) ?? null,
    aboveGuardrail: (r.above_guardrail as LimitAbove | null) ?? null,
  };
}

export async function insertDecision(
  client: pg.PoolClient,
  d: {
    suggestionId: number;
    action: DecisionAction;
    decidedPrice: number;
    reason: string | null;
    decidedBy: string;
    decidedByRole: string;
    autoAcceptBandId: number | null;
    resultingVersion: number | null;
    belowGuardrail?: LimitBelow | null;
    aboveGuardrail?: LimitAbove | null;
  },
): Promise<Decision> {
  const { rows } = await client.query(
    `INSERT INTO suggestion_decisions (suggestion_id, action, decided_price, reason, decided_by, decided_by_role, auto_accept_band_id, resulting_version,
        quotation_id, destination_id, service_level, departure_date, party_size, cost_total, current_price, suggested_price, lo80, hi80,
        guardrail, model_version, feature_snapshot_id, features, below_guardrail, above_guardrail)
     SELECT id, $2, $3, $4, $5, $6, $7, $8,
            quotation_id, destination_id, service_level, departure_date, party_size, cost_total, current_price, suggested_price, lo80, hi80,
            guardrail, model_version, feature_snapshot_id, features, $9, $10
       FROM price_suggestions WHERE id = $1
     RETURNING ${DECISION_COLUMNS}`,
    [d.suggestionId, d.action, d.decidedPrice, d.reason, d.decidedBy, d.decidedByRole, d.autoAcceptBandId, d.resultingVersion, d.belowGuardrail ?? null, d.aboveGuardrail ?? null],
  );
  const state = { auto_accept: 'auto_accepted', accept: 'accepted', override: 'overridden', reject: 'rejected' }[d.action];
  await client.query('UPDATE price_suggestions SET state = $2 WHERE id = $1', [d.suggestionId, state]);
  return toDecision(rows[0]);
}
