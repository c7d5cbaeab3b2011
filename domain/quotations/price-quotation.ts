import type pg from 'pg';
import type { Logger } from '../../platform/log.ts';
import { costPlusPrice, houseMarkup } from './cost-plus.ts';
import { costQuotation, DEFAULT_COSTING_RULES, type CostComponent, type Costing, type CostingRules } from './costing.ts';
import { loadGuideLanguageRates, type ItineraryFacts } from './catalogue.ts';
import { bandCosts, type GroupSizeBand } from './price-table.ts';
import type { PriceTableRow } from './quotation-versions.ts';
import type { Channel } from '../../contract/prices.ts';
import type { RoomPlan } from './room-split.ts';
import { ScoringUnavailableError, type PriceScorer, type QuotationScore } from './scoring-client.ts';

/**
 * Costs and prices one version of a quotation, before anything is written: the costing, the cost-plus price it
 * starts from, the scoring API's suggestion (or the fallback, with its reason) and the price table by group
 * size. Calls to the API happen here, outside any database transaction, so a slow API never holds a lock.
 */
export interface PricingInput {
  quotationId: number;
  itinerary: ItineraryFacts;
  components: CostComponent[];
  partySize: number;
  language: string;
  rooms: RoomPlan | null;
  departureDate: string;
  customerId: number;
  channel: Channel;
  bands: GroupSizeBand[];
}

export interface PricedQuotation {
  costing: Costing;
  markup: number;
  /** Cost-plus: the price the version carries until a suggestion is accepted. */
  costPlusPrice: number;
  score: QuotationScore | null;
  fallbackReason: string | null;
  priceTable: PriceTableRow[];
}

export interface PricingDeps {
  pool: pg.Pool;
  scorer: PriceScorer;
  log: Logger;
  rules?: Partial<Omit<CostingRules, 'guideLanguageRates'>>;
  /** Waits before asking again while the API's price is provisional (its features still loading); then cost-plus. */
  provisionalWaitsMs?: readonly number[];
}

const PROVISIONAL_WAITS_MS = [200, 500, 1000, 2000];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks until the API's answer is final: a provisional price (a feature the API could not have in time) is neither
 * recorded for review nor quoted, and a suggestion without its departure's demand leaves the manager guessing. The API goes on fetching what it lacked, so asking again shortly usually gives
 * the final price; after the last wait the answer is returned as it is, and the caller treats it as no answer.
 */
async function untilFinal<T>(ask: () => Promise<T>, provisional: (answer: T) => boolean, waits: readonly number[]): Promise<T> {
  let answer = await ask();
  for (const wait of waits) {
    if (!provisional(answer)) return answer;
    await sleep(wait);
    answer = await ask();
  }
  return answer;
}

const cents = (x: number) => Math.round(x * 100) / 100;

export async function priceQuotation(deps: PricingDeps, input: PricingInput): Promise<PricedQuotation> {
  const rules: CostingRules = { ...DEFAULT_COSTING_RULES, ...deps.rules, guideLanguageRates: await loadGuideLanguageRates(deps.pool) };
  const costing = costQuotation(input.components, { partySize: input.partySize, language: input.language, rooms: input.rooms ?? undefined }, rules);
  const bands = bandCosts(input.components, input.language, rules, input.bands);
  const { markup } = await houseMarkup(deps.pool, input.itinerary.serviceLevel);
  const costPlus = costPlusPrice(costing.costTotal, markup);
  const request = { quotationRef: String(input.quotationId), itineraryId: input.itinerary.id, departureDate: input.departureDate, customerId: input.customerId, channel: input.channel };

  const waits = deps.provisionalWaitsMs ?? PROVISIONAL_WAITS_MS;
  const [scored, tablePrices] = await Promise.allSettled([
    // Demand still loading is asked again too, so the suggestion carries the departure's load factor and pace;
    // past the last wait it is recorded without them (unknown, not made up).
    untilFinal(() => deps.scorer.scoreQuotation({ ...request, partySize: input.partySize, cost: costing.costTotal, listPrice: costPlus }), (s) => s.suggestion.provisional || s.demandPending, waits),
    untilFinal(
      () => deps.scorer.suggestPrices(bands.map((b) => ({ ...request, partySize: b.pricedAtPax, cost: b.costTotal, listPrice: costPlusPrice(b.costTotal, markup) }))),
      (list) => list.some((s) => s.provisional),
      waits,
    ),
  ]);
  // A refusal (4xx) is a bug on our side or a wrong key: it stops the quotation rather than hide behind cost-plus.
  for (const outcome of [scored, tablePrices]) {
    if (outcome.status === 'rejected' && !(outcome.reason instanceof ScoringUnavailableError)) throw outcome.reason;
  }
  const stillProvisional = scored.status === 'fulfilled' && scored.value.suggestion.provisional;
  const fallbackReason =
    scored.status === 'rejected'
      ? (scored.reason as Error).message
      : stillProvisional
        ? `the scoring API's price stayed provisional (not yet available: ${scored.value.suggestion.defaultedFeatures.join(', ')}); priced cost-plus`
        : null;
  if (fallbackReason) deps.log.warn('no final price from the scoring API; quotation priced cost-plus', { reason: fallbackReason, itineraryId: input.itinerary.id });

  const priceTable: PriceTableRow[] = bands.map((b, i) => {
    const answered = tablePrices.status === 'fulfilled' ? tablePrices.value[i] : null;
    const suggestion = answered && !answered.provisional ? answered : null;
    return {
      minPax: b.minPax,
      maxPax: b.maxPax,
      pricedAtPax: b.pricedAtPax,
      costPerPax: b.costPerPax,
      pricePerPax: cents((suggestion ? suggestion.price : costPlusPrice(b.costTotal, markup)) / b.pricedAtPax),
      priceSource: suggestion ? 'model' : 'cost_plus_fallback',
      modelVersion: suggestion?.modelVersion ?? null,
    };
  });
  return {
    costing,
    markup,
    costPlusPrice: costPlus,
    score: scored.status === 'fulfilled' && !stillProvisional ? scored.value : null,
    fallbackReason,
    priceTable,
  };
}
