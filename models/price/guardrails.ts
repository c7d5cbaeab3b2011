import { InputError } from '../../platform/errors.ts';

/**
 * Guardrails on a suggested price, applied after the model and before a pricing manager sees it.
 * Precedence, from weakest to strongest: the change against the list price is limited first, then the absolute
 * ceiling, and the margin floor last, because selling under cost plus the minimum margin is never acceptable even
 * when a ceiling or the list price would ask for it. `fired` names the rule that set the final price.
 */
export interface GuardrailRule {
  /** Least margin over cost, as a fraction: 0.1 means price >= cost x 1.1. */
  minMargin: number;
  maxPrice?: number;
  /** Largest relative move away from the list price, as a fraction: 0.2 keeps price within ±20% of list. */
  maxChangeVsList?: number;
}

export interface GuardrailContext {
  cost: number;
  listPrice?: number;
}

export type GuardrailName = 'floor' | 'ceiling' | 'max_change';

export interface GuardedPrice {
  price: number;
  fired: GuardrailName | null;
  /** The price before guardrails, so a report can show how far a rule moved it. */
  unclamped: number;
}

function checkPositive(name: string, value: number | undefined, allowZero = false): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InputError(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${String(value)}`, name);
  }
}

export function marginFloor(cost: number, minMargin: number): number {
  return cost * (1 + minMargin);
}

export function applyGuardrails(price: number, context: GuardrailContext, rule: GuardrailRule): GuardedPrice {
  checkPositive('price', price, true);
  checkPositive('cost', context.cost);
  checkPositive('listPrice', context.listPrice);
  if (typeof rule.minMargin !== 'number' || !Number.isFinite(rule.minMargin) || rule.minMargin <= -1) {
    throw new InputError(`minMargin must be a finite fraction above -1, got ${String(rule.minMargin)}`, 'minMargin');
  }
  checkPositive('maxPrice', rule.maxPrice);
  checkPositive('maxChangeVsList', rule.maxChangeVsList, true);
  if (rule.maxChangeVsList !== undefined && context.listPrice === undefined) {
    throw new InputError('maxChangeVsList needs the list price of the quotation', 'listPrice');
  }

  let guarded = price;
  let fired: GuardrailName | null = null;
  if (rule.maxChangeVsList !== undefined && context.listPrice !== undefined) {
    const low = context.listPrice * (1 - rule.maxChangeVsList);
    const high = context.listPrice * (1 + rule.maxChangeVsList);
    if (guarded < low || guarded > high) {
      guarded = Math.min(high, Math.max(low, guarded));
      fired = 'max_change';
    }
  }
  if (rule.maxPrice !== undefined && guarded > rule.maxPrice) {
    guarded = rule.maxPrice;
    fired = 'ceiling';
  }
  const floor = marginFloor(context.cost, rule.minMargin);
  if (guarded < floor) {
    guarded = floor;
    fired = 'floor';
  }
  return { price: guarded, fired, unclamped: price };
}
