import { InputError } from '../../platform/errors.ts';

/**
 * Guardrails on a suggested price, applied after the model and before a pricing manager sees it.
 * Precedence, from weakest to strongest: the change against the list price is limited first, then the ceiling,
 * and the margin floor last, because selling under cost plus the minimum margin is never acceptable even when a
 * ceiling or the list price would ask for it. `fired` names the rule that set the final price.
 *
 * Limits scale with the quotation: the floor and the margin ceiling are multiples of its cost, the per-traveller
 * ceiling a multiple of its party, so one rule fits a couple and a group of twenty on the same itinerary.
 */
export interface GuardrailRule {
  /** Least margin over cost, as a fraction: 0.1 means price >= cost x 1.1. */
  minMargin: number;
  /** Largest margin over cost: 1.5 means price <= cost x 2.5. */
  maxMargin?: number;
  /** Largest price per traveller, USD. */
  maxPricePerPax?: number;
  /** Largest relative move away from the list price, as a fraction: 0.2 keeps price within ±20% of list. */
  maxChangeVsList?: number;
}

export interface GuardrailContext {
  cost: number;
  partySize: number;
  /** The catalogue price of the quotation; without it the max-change rule has nothing to hold to and is not applied. */
  listPrice?: number;
}

export type GuardrailName = 'floor' | 'ceiling' | 'max_change';
export const GUARDRAIL_NAMES: readonly GuardrailName[] = ['floor', 'ceiling', 'max_change'];

export interface GuardedPrice {
  price: number;
  fired: GuardrailName | null;
  /** The price before guardrails, so a report can show how far a rule moved it. */
  unclamped: number;
  /** The limits this quotation was held to, in currency, so a manager sees the room the rule left. */
  floor: number;
  ceiling: number | null;
  listBand: { lo: number; hi: number } | null;
}

function checkNumber(name: string, value: number | undefined, { min, allowMin }: { min: number; allowMin: boolean }): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (!allowMin && value === min)) {
    throw new InputError(`${name} must be a finite number ${allowMin ? 'of at least' : 'above'} ${min}, got ${String(value)}`, name);
  }
}

/**
 * A price limit is kept in whole cents (numeric(12, 2)): a value between cents would be stored rounded, up as often
 * as down, and prices would then be held to a cap the manager did not set (100.005 became 100.01).
 */
function checkWholeCents(name: string, value: number | undefined): void {
  if (value === undefined) return;
  const cents = value * 100;
  if (cents < 1 || Math.abs(cents - Math.round(cents)) > 1e-6) {
    throw new InputError(`${name} is a price in USD and must be whole cents, at least 0.01, got ${String(value)}`, name);
  }
}

/** Checks a rule on its own (as it is stored or edited); field names are the rule's. */
export function checkGuardrailRule(rule: GuardrailRule): void {
  if (rule.minMargin === undefined) throw new InputError('minMargin is required: the least margin over cost, e.g. 0.1 for 10%', 'minMargin');
  checkNumber('minMargin', rule.minMargin, { min: -1, allowMin: false });
  checkNumber('maxMargin', rule.maxMargin, { min: -1, allowMin: false });
  if (rule.maxMargin !== undefined && rule.maxMargin <= rule.minMargin) {
    throw new InputError(`maxMargin (${rule.maxMargin}) must be above minMargin (${rule.minMargin}): the ceiling cannot sit under the floor`, 'maxMargin');
  }
  checkNumber('maxPricePerPax', rule.maxPricePerPax, { min: 0, allowMin: false });
  checkWholeCents('maxPricePerPax', rule.maxPricePerPax);
  checkNumber('maxChangeVsList', rule.maxChangeVsList, { min: 0, allowMin: true });
}

export function marginFloor(cost: number, minMargin: number): number {
  return cost * (1 + minMargin);
}

/** The lower of the rule's ceilings for this quotation, or null when the rule sets none. */
export function ceilingOf(context: GuardrailContext, rule: GuardrailRule): number | null {
  let ceiling = Infinity;
  if (rule.maxMargin !== undefined) ceiling = Math.min(ceiling, context.cost * (1 + rule.maxMargin));
  if (rule.maxPricePerPax !== undefined) ceiling = Math.min(ceiling, rule.maxPricePerPax * context.partySize);
  return ceiling === Infinity ? null : ceiling;
}

export function applyGuardrails(price: number, context: GuardrailContext, rule: GuardrailRule): GuardedPrice {
  checkNumber('price', price, { min: 0, allowMin: true });
  checkNumber('cost', context.cost, { min: 0, allowMin: false });
  checkNumber('listPrice', context.listPrice, { min: 0, allowMin: false });
  if (!Number.isInteger(context.partySize) || context.partySize < 1) throw new InputError(`partySize must be a whole number of at least 1, got ${String(context.partySize)}`, 'partySize');
  checkGuardrailRule(rule);

  let guarded = price;
  let fired: GuardrailName | null = null;
  let listBand: GuardedPrice['listBand'] = null;
  if (rule.maxChangeVsList !== undefined && context.listPrice !== undefined) {
    listBand = { lo: context.listPrice * (1 - rule.maxChangeVsList), hi: context.listPrice * (1 + rule.maxChangeVsList) };
    if (guarded < listBand.lo || guarded > listBand.hi) {
      guarded = Math.min(listBand.hi, Math.max(listBand.lo, guarded));
      fired = 'max_change';
    }
  }
  const ceiling = ceilingOf(context, rule);
  if (ceiling !== null && guarded > ceiling) {
    guarded = ceiling;
    fired = 'ceiling';
  }
  const floor = marginFloor(context.cost, rule.minMargin);
  if (guarded < floor) {
    guarded = floor;
    fired = 'floor';
  }
  return { price: guarded, fired, unclamped: price, floor, ceiling, listBand };
}
