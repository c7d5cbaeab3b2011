import type pg from 'pg';
import { SpiritError } from '../../platform/errors.ts';
import { loadComponents, loadGuideLanguageRates } from '../quotations/catalogue.ts';
import { costPlusPrice, houseMarkup } from '../quotations/cost-plus.ts';
import { costQuotation, DEFAULT_COSTING_RULES } from '../quotations/costing.ts';

/**
 * Whether a proposed itinerary fits the budget the traveller stated. The figure compared is the itinerary's list
 * price for the party — its cost for that many travellers times the house markup, the price a new quotation starts
 * from — per person when the traveller said "por persona" or "each", else for the whole party (an amount said
 * without either is read as the trip's total, and the reply says so). Prices are in the quotations' currency; a
 * budget in another one is not compared, since there is no exchange-rate table to convert it with.
 */
/** A budget as the customer stated it; `per` only when they said per person or for the whole party. */
export interface StatedBudget {
  amount: number;
  currency: string;
  per?: 'person' | 'party';
}

export interface ListPrice {
  total: number;
  perPerson: number;
  currency: string;
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** Each itinerary's list price for the party; an itinerary that cannot be costed has none (and fits no budget). */
export async function listPrices(pool: pg.Pool, itineraries: ReadonlyArray<{ itineraryId: number; serviceLevel: string }>, partySize: number, language: string): Promise<Map<number, ListPrice>> {
  const rules = { ...DEFAULT_COSTING_RULES, guideLanguageRates: await loadGuideLanguageRates(pool) };
  const markups = new Map<string, number>();
  const prices = new Map<number, ListPrice>();
  for (const itinerary of itineraries) {
    let costTotal: number;
    try {
      costTotal = costQuotation(await loadComponents(pool, itinerary.itineraryId), { partySize, language }, rules).costTotal;
    } catch (error) {
      // A component in another currency, a party the costing refuses: the quotation engine would refuse it too.
      if (error instanceof SpiritError && error.code === 'invalid_input') continue;
      throw error;
    }
    if (!markups.has(itinerary.serviceLevel)) markups.set(itinerary.serviceLevel, (await houseMarkup(pool, itinerary.serviceLevel)).markup);
    const total = costPlusPrice(costTotal, markups.get(itinerary.serviceLevel)!);
    prices.set(itinerary.itineraryId, { total, perPerson: cents(total / partySize), currency: rules.currency });
  }
  return prices;
}

/** The figure the budget is compared with: per person when the traveller said so, else the party's total. */
export function comparedFigure(price: { total: number; perPerson: number }, budget: StatedBudget): number {
  return budget.per === 'person' ? price.perPerson : price.total;
}

/** Whether a budget and prices can be compared at all: the same currency. */
export function comparable(budget: StatedBudget, currency: string): boolean {
  return budget.currency === currency;
}

export function fitsBudget(price: ListPrice | undefined, budget: StatedBudget): boolean {
  return price !== undefined && comparable(budget, price.currency) && comparedFigure(price, budget) <= budget.amount;
}
