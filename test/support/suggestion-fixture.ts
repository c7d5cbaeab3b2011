import type pg from 'pg';
import { quietLog } from './services.ts';
import { createQuotation } from '../../domain/quotations/create-quotation.ts';
import { DEFAULT_BANDS } from '../../domain/quotations/price-table.ts';
import { lockQuotation } from '../../domain/quotations/quotation-versions.ts';
import type { PriceScorer } from '../../domain/quotations/scoring-client.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { recordSuggestion, type RecordedSuggestion, type SuggestionInput } from '../../domain/suggestions/record-suggestion.ts';

/**
 * A quotation with a suggestion on it, for the review tests: the quotation is built by the engine (with the API
 * down, so it starts cost-plus), then a suggestion shaped like the API's answer is recorded on its current
 * version, exactly as the engine records one.
 */
export interface SuggestionSpec {
  itineraryId: number;
  customerId: number;
  departureDate: string;
  partySize?: number;
  members?: string[];
  /** Suggested price as a ratio of the current price: 1.03 = +3%. */
  ratio: number;
  guardrail?: 'floor' | 'ceiling' | 'max_change' | null;
  modelVersion?: string;
}

export async function quotationWithSuggestion(pool: pg.Pool, scorer: PriceScorer, spec: SuggestionSpec): Promise<{ quotationId: number; suggestion: RecordedSuggestion; currentPrice: number }> {
  const partySize = spec.partySize ?? 2;
  const created = await createQuotation(
    { pool, scorer, log: quietLog },
    {
      customerId: spec.customerId,
      itineraryId: spec.itineraryId,
      departureDate: spec.departureDate,
      partySize,
      channel: 'agent',
      members: spec.members?.map((name) => ({ name })),
      bands: [...DEFAULT_BANDS],
    },
    'agent:test',
  );
  const suggestion = await suggest(pool, created.quotationId, spec);
  return { quotationId: created.quotationId, suggestion, currentPrice: created.priceTotal };
}

/** Records a suggestion on the quotation's current version, as the engine does after the API answers. */
export async function suggest(pool: pg.Pool, quotationId: number, spec: Pick<SuggestionSpec, 'ratio' | 'guardrail' | 'modelVersion'>): Promise<RecordedSuggestion> {
  return inTransaction(pool, async (client) => {
    const quotation = await lockQuotation(client, quotationId);
    const { rows } = await client.query(
      `SELECT q.itinerary_id, i.destination_id, i.service_level::text AS service_level, q.departure_id, q.departure_date::text AS departure_date, q.party_size
         FROM quotations q JOIN itineraries i ON i.id = q.itinerary_id WHERE q.id = $1`,
      [quotationId],
    );
    const r = rows[0];
    const price = Math.round(quotation.priceTotal * spec.ratio * 100) / 100;
    const season = Math.round(price * 0.04 * 100) / 100;
    const lead = Math.round(-price * 0.015 * 100) / 100;
    const modelPrice = spec.guardrail ? Math.round(price * 1.2 * 100) / 100 : price;
    const input: SuggestionInput = {
      quotation,
      itineraryId: r.itinerary_id,
      destinationId: r.destination_id,
      serviceLevel: r.service_level,
      departureId: r.departure_id,
      departureDate: r.departure_date,
      partySize: r.party_size,
      currency: 'USD',
      suggestion: {
        price,
        lo80: Math.round(price * 0.92 * 100) / 100,
        hi80: Math.round(price * 1.08 * 100) / 100,
        reasonCodes: [
          { feature: 'departure_month', amount: season, text: `+USD ${Math.round(season)}: departure in peak dry season` },
          { feature: 'lead_time_days', amount: lead, text: `−USD ${Math.round(-lead)}: booked far ahead` },
        ],
        contributions: { departure_month: season, lead_time_days: lead },
        baseValue: Math.round((modelPrice - season - lead) * 100) / 100,
        guardrail: spec.guardrail ?? null,
        // The API's default rule, at 10% over cost and ±25% around the current price.
        guardrails: {
          version: 1, ruleId: 1, destinationId: null, serviceLevel: null, minMargin: 0.1, maxMargin: null, maxPricePerPax: null, maxChangeVsList: 0.25,
          floor: Math.round(quotation.costTotal * 110) / 100, ceiling: null, listBand: { lo: Math.round(quotation.priceTotal * 75) / 100, hi: Math.round(quotation.priceTotal * 125) / 100 },
        },
        modelPrice,
        segment: { id: 2, name: 'Culture seekers', modelVersion: 'segmentation-000001' },
        modelVersion: spec.modelVersion ?? 'price-000001',
        featureSnapshotId: `fs-${quotationId}-${quotation.version}`,
        features: { group_size: r.party_size, departure_month: Number(r.departure_date.slice(5, 7)), lead_time_days: 200 },
        defaultedFeatures: [],
      },
      loadFactor: 0.82,
      pace: 1.15,
    };
    return recordSuggestion(client, input);
  });
}
