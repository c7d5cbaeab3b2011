import type pg from 'pg';
import { recordQuotationEvent } from '../quotations/quotation-events.ts';
import { writePriceVersion, type CurrentVersion } from '../quotations/quotation-versions.ts';
import { bandFor, insideBand } from './auto-accept-bands.ts';
import { insertDecision, type Decision } from './decision-record.ts';
import { activeLockFor } from './price-locks.ts';
import type { PriceSuggestion } from '../../contract/prices.ts';

/**
 * A price the scoring API suggested for a quotation becomes a suggestion, in the quotation's transaction.
 * An earlier suggestion still pending for the same quotation is superseded (it priced a version that is gone).
 * Inside its auto-accept band, with no guardrail fired and no lock, it is accepted at once: the decision is
 * recorded as the system's and the quotation gets a new version at the suggested price.
 */
export const AUTO_ACCEPT_ACTOR = 'system:auto-accept';

export interface SuggestionInput {
  quotation: CurrentVersion;
  itineraryId: number;
  destinationId: number;
  serviceLevel: string;
  departureId: number | null;
  departureDate: string;
  partySize: number;
  currency: string;
  /** The scoring API's answer as its contract types it: what is stored is what the API sent, under its names. */
  suggestion: Pick<
    PriceSuggestion,
    'price' | 'lo80' | 'hi80' | 'reasonCodes' | 'contributions' | 'baseValue' | 'guardrail' | 'guardrails' | 'modelPrice' | 'segment' | 'modelVersion' | 'featureSnapshotId' | 'features' | 'defaultedFeatures'
  >;
  loadFactor: number | null;
  pace: number | null;
}

export interface RecordedSuggestion {
  id: number;
  state: 'pending' | 'auto_accepted';
  decision: Decision | null;
  /** Why it waits for a person, when it does. */
  pendingBecause: string | null;
}

export async function supersedePending(client: pg.PoolClient, quotationId: number): Promise<number> {
  const { rowCount } = await client.query(`UPDATE price_suggestions SET state = 'superseded' WHERE quotation_id = $1 AND state = 'pending'`, [quotationId]);
  return rowCount ?? 0;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The review desk shows a segment by its name; a segmentation without names gives "segment <id>". */
const segmentName = (segment: PriceSuggestion['segment']) => (segment === null ? null : (segment.name ?? `segment ${segment.id}`));

export async function recordSuggestion(client: pg.PoolClient, input: SuggestionInput): Promise<RecordedSuggestion> {
  const { quotation, suggestion: s } = input;
  await supersedePending(client, quotation.quotationId);
  const { rows } = await client.query<{ id: string; change_ratio: number }>(
    `INSERT INTO price_suggestions (quotation_id, quotation_version, itinerary_id, destination_id, service_level, departure_id, departure_date,
        party_size, currency, cost_total, current_price, suggested_price, lo80, hi80, reason_codes, contributions, base_value, guardrail,
        unclamped_price, segment, model_version, feature_snapshot_id, features, defaulted_features, load_factor, pace, guardrails)
     VALUES ($1, $2, $3, $4, $5::service_level, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
     RETURNING id, change_ratio`,
    [
      quotation.quotationId, quotation.version, input.itineraryId, input.destinationId, input.serviceLevel, input.departureId, input.departureDate,
      input.partySize, input.currency, quotation.costTotal, quotation.priceTotal, round2(s.price), round2(s.lo80), round2(Math.max(s.hi80, s.lo80)),
      JSON.stringify(s.reasonCodes), JSON.stringify(s.contributions), round2(s.baseValue), s.guardrail,
      // The column keeps its name: unclamped_price holds the API's modelPrice (contract/README.md).
      round2(s.modelPrice), segmentName(s.segment), s.modelVersion, s.featureSnapshotId, JSON.stringify(s.features),
      s.defaultedFeatures, input.loadFactor, input.pace, JSON.stringify(s.guardrails),
    ],
  );
  const id = Number(rows[0].id);
  const pending = (because: string): RecordedSuggestion => ({ id, state: 'pending', decision: null, pendingBecause: because });

  const lock = await activeLockFor(client, quotation.quotationId, input.departureId);
  if (lock) return pending(`price locked by ${lock.lockedBy}: ${lock.reason}`);
  if (s.guardrail !== null) return pending(`the ${s.guardrail} guardrail moved the model's price`);
  const band = await bandFor(client, input.destinationId, input.serviceLevel);
  if (!band) return pending('no auto-accept band for this destination and service level');
  if (!insideBand(rows[0].change_ratio, band)) return pending(`change of ${(rows[0].change_ratio * 100).toFixed(1)}% is outside the ±${band.maxChangePct}% band`);

  const price = round2(s.price);
  const version = await writePriceVersion(client, quotation, {
    priceTotal: price,
    suggestedTotal: price,
    priceSource: 'model',
    changedBy: AUTO_ACCEPT_ACTOR,
    changeReason: `suggestion ${id} inside the ±${band.maxChangePct}% auto-accept band`,
  });
  const decision = await insertDecision(client, {
    suggestionId: id,
    action: 'auto_accept',
    decidedPrice: price,
    reason: null,
    decidedBy: AUTO_ACCEPT_ACTOR,
    decidedByRole: 'system',
    autoAcceptBandId: band.id,
    resultingVersion: version,
  });
  await recordQuotationEvent(client, {
    type: 'quotation.updated', quotationId: quotation.quotationId, version, actor: AUTO_ACCEPT_ACTOR, priceTotal: price,
    costTotal: quotation.costTotal, priceSource: 'model', suggestionId: id,
  });
  return { id, state: 'auto_accepted', decision, pendingBecause: null };
}
