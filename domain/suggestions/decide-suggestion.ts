import type pg from 'pg';
import { appendAudit, type Actor } from '../../platform/audit-log.ts';
import { InputError, NotFoundError } from '../../platform/errors.ts';
import { recordQuotationEvent } from '../quotations/quotation-events.ts';
import { lockQuotation, writePriceVersion } from '../quotations/quotation-versions.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { DECISION_COLUMNS, insertDecision, toDecision, type Decision, type LimitAbove, type LimitBelow } from './decision-record.ts';
import { activeLockFor } from './price-locks.ts';
import { ReviewConflictError } from './review-errors.ts';

/**
 * A pricing manager's decision on a pending suggestion:
 * - accept: the quotation gets a new version at the suggested price;
 * - override: a new version at the manager's price, with the reason (required). The price is held to the rule the
 *   suggestion was: under cost, the guardrail floor or the list-price band it is refused (400 below_cost / below_floor
 *   on `price`) unless the manager confirms it (`confirmBelowFloor: true`); above the ceiling, the band or the highest
 *   price expected (HIGHEST_EXPECTED) likewise (400 above_ceiling, `confirmAboveCeiling: true`). A confirmed one is
 *   recorded with the limit it crossed (`belowGuardrail`, `aboveGuardrail`);
 * - reject: the price stays as it is, with the reason (required).
 * Everything is checked before anything is written, and all of it — decision, new version, event — commits
 * together; a suggestion is decided once (the row locks serialise two managers, the unique key backs it up).
 */
export type ReviewAction = 'accept' | 'override' | 'reject';
export const REVIEW_ACTIONS: readonly ReviewAction[] = ['accept', 'override', 'reject'];

export interface DecisionRequest {
  suggestionId: number;
  action: ReviewAction;
  price?: number;
  reason?: string;
  /** The manager confirms an override under the floor or under cost. */
  confirmBelowFloor?: boolean;
  /** The manager confirms an override above the ceiling (highestExpectedPrice). */
  confirmAboveCeiling?: boolean;
  actor: Actor;
}

export const MAX_PRICE = 100_000_000;

/** Validates the request alone (no database), so bad input is refused before any lock is taken. */
export function checkDecisionRequest(raw: { action?: unknown; price?: unknown; reason?: unknown; confirmBelowFloor?: unknown; confirmAboveCeiling?: unknown }): {
  action: ReviewAction;
  price?: number;
  reason?: string;
  confirmBelowFloor: boolean;
  confirmAboveCeiling: boolean;
} {
  const action = raw.action;
  if (!REVIEW_ACTIONS.includes(action as ReviewAction)) throw new InputError(`action must be one of ${REVIEW_ACTIONS.join(', ')}, got ${JSON.stringify(action)}`, 'action');
  const reason = raw.reason === undefined || raw.reason === null ? undefined : raw.reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 1000)) throw new InputError('reason must be text of at most 1000 characters', 'reason');
  const trimmed = typeof reason === 'string' ? reason.trim() : undefined;
  if ((action === 'override' || action === 'reject') && !trimmed) {
    throw new InputError(`reason is required to ${action} a suggestion: say why, it is kept with the decision`, 'reason');
  }
  const confirmation = (field: 'confirmBelowFloor' | 'confirmAboveCeiling'): boolean => {
    const given = raw[field] ?? false;
    if (typeof given !== 'boolean') throw new InputError(`${field} must be true or false, got ${JSON.stringify(given)}`, field);
    if (given && action !== 'override') throw new InputError(`${field} only confirms an override's price; to ${String(action)}, leave it out`, field);
    return given;
  };
  const confirm = confirmation('confirmBelowFloor');
  const confirmAbove = confirmation('confirmAboveCeiling');
  if (action === 'override') {
    const price = raw.price;
    if (typeof price !== 'number' || !Number.isFinite(price)) throw new InputError(`price is required to override: the price to charge, got ${JSON.stringify(price)}`, 'price');
    if (price <= 0) throw new InputError(`price must be more than 0, got ${price}`, 'price');
    if (price > MAX_PRICE) throw new InputError(`price must be at most ${MAX_PRICE}, got ${price}`, 'price');
    if (Math.round(price * 100) / 100 !== price) throw new InputError(`price has more than two decimals: ${price}`, 'price');
    return { action, price, reason: trimmed, confirmBelowFloor: confirm, confirmAboveCeiling: confirmAbove };
  }
  if (raw.price !== undefined && raw.price !== null) throw new InputError(`price is only given to override; to ${action}, leave it out`, 'price');
  return { action: action as ReviewAction, reason: trimmed || undefined, confirmBelowFloor: false, confirmAboveCeiling: false };
}

export async function decideSuggestion(pool: pg.Pool, request: DecisionRequest): Promise<Decision> {
  const checked = checkDecisionRequest(request);
  if (!Number.isInteger(request.suggestionId) || request.suggestionId < 1) throw new InputError(`suggestion id must be a positive whole number, got ${request.suggestionId}`, 'id');
  if (!request.actor.name) throw new InputError('the decision needs the name of who makes it', 'actor');

  return inTransaction(pool, async (client) => {
    const owner = await client.query<{ quotation_id: string }>('SELECT quotation_id FROM price_suggestions WHERE id = $1', [request.suggestionId]);
    if (owner.rows.length === 0) throw new NotFoundError(`there is no suggestion with id ${request.suggestionId}`, 'id');
    // The quotation first, then its suggestion: the order every writer of a quotation takes, so two of them
    // (a decision and a change of the quotation) wait for each other instead of deadlocking.
    const quotation = await lockQuotation(client, Number(owner.rows[0].quotation_id));
    const found = await client.query(
      `SELECT id, quotation_id, quotation_version, departure_id, state::text AS state, suggested_price::float8 AS suggested_price,
              current_price::float8 AS current_price, cost_total::float8 AS cost_total, (guardrails->>'floor')::float8 AS floor,
              (guardrails->>'ceiling')::float8 AS ceiling, (guardrails->'listBand'->>'lo')::float8 AS band_lo,
              (guardrails->'listBand'->>'hi')::float8 AS band_hi, currency
         FROM price_suggestions WHERE id = $1 FOR UPDATE`,
      [request.suggestionId],
    );
    const s = found.rows[0];
    if (s.state !== 'pending') {
      const earlier = await client.query(`SELECT ${DECISION_COLUMNS} FROM suggestion_decisions WHERE suggestion_id = $1`, [s.id]);
      const by = earlier.rows.length ? ` by ${earlier.rows[0].decided_by} at ${(earlier.rows[0].decided_at as Date).toISOString()}` : '';
      throw new ReviewConflictError('already_decided', `suggestion ${s.id} is already ${s.state}${by}; a decision is final`);
    }
    if (quotation.version !== s.quotation_version) {
      throw new ReviewConflictError('stale_suggestion', `suggestion ${s.id} priced version ${s.quotation_version} of quotation ${quotation.quotationId}, which is now at version ${quotation.version}`);
    }
    if (!['draft', 'sent'].includes(quotation.status)) {
      throw new ReviewConflictError('quotation_closed', `quotation ${quotation.quotationId} is ${quotation.status}; its price can no longer change`);
    }
    if (checked.action !== 'reject') {
      const lock = await activeLockFor(client, quotation.quotationId, s.departure_id);
      if (lock) throw new ReviewConflictError('price_locked', `the price is locked by ${lock.lockedBy} since ${lock.lockedAt} (${lock.reason}); release lock ${lock.id} first, or reject the suggestion`);
    }

    const crossed = checked.action === 'override' ? checkOverride(checked.price as number, s, { below: checked.confirmBelowFloor, above: checked.confirmAboveCeiling }, s.currency) : { below: null, above: null };
    const price = checked.action === 'accept' ? s.suggested_price : checked.action === 'override' ? (checked.price as number) : s.current_price;
    let resultingVersion: number | null = null;
    if (checked.action !== 'reject') {
      const source = checked.action === 'accept' ? 'model' : 'override';
      resultingVersion = await writePriceVersion(client, quotation, {
        priceTotal: price,
        suggestedTotal: s.suggested_price,
        priceSource: source,
        changedBy: request.actor.name,
        changeReason:
          checked.action === 'accept'
            ? `accepted suggestion ${s.id}${checked.reason ? `: ${checked.reason}` : ''}`
            : `overrode suggestion ${s.id}${crossed.below ? ` below the ${CROSSED_TEXT[crossed.below]}, confirmed` : ''}${crossed.above ? ` above the ${CROSSED_TEXT[crossed.above]}, confirmed` : ''}: ${checked.reason}`,
      });
      await recordQuotationEvent(client, {
        type: 'quotation.updated', quotationId: quotation.quotationId, version: resultingVersion, actor: request.actor.name,
        priceTotal: price, costTotal: quotation.costTotal, priceSource: source, reason: checked.reason ?? null, suggestionId: Number(s.id),
      });
    }
    const decision = await insertDecision(client, {
      suggestionId: Number(s.id),
      action: checked.action,
      decidedPrice: price,
      reason: checked.reason ?? null,
      decidedBy: request.actor.name,
      decidedByRole: request.actor.role,
      autoAcceptBandId: null,
      resultingVersion,
      belowGuardrail: crossed.below,
      aboveGuardrail: crossed.above,
    });
    await appendAudit(client, request.actor, {
      action: 'suggestion.decide',
      target: `suggestion:${s.id}`,
      before: { state: 'pending', suggestedPrice: s.suggested_price, currentPrice: s.current_price, quotationVersion: s.quotation_version },
      after: decision,
    });
    return decision;
  });
}

/** How a version's change reason names a limit an override was confirmed across. */
const CROSSED_TEXT: Record<LimitBelow | LimitAbove, string> = { cost: 'cost', floor: 'guardrail floor', ceiling: 'ceiling', list_band: 'list price band', highest_expected: 'highest expected price' };

const usd = (amount: number, currency: string) => `${currency} ${amount.toFixed(2)}`;

/** What an override's price is held to: the suggestion's prices and the guardrail rule it was priced under. */
export interface OverrideLimits {
  suggested_price: number;
  current_price: number;
  cost_total: number;
  floor: number | null;
  ceiling: number | null;
  /** The rule's list-price band (maxChangeVsList around the list price), if it has one. */
  band_lo: number | null;
  band_hi: number | null;
}

/**
 * The prices the suggestion's rule could itself have set, whatever the model said: the list price band is the weakest
 * limit, then the ceiling, the floor the strongest (models/price/guardrails.ts), so the lowest is the floor or the
 * band's low end held under the ceiling, and the highest the band's high end held under the ceiling and over the floor.
 * A floor above the band, or a ceiling under it, moves these past the band: such a rule never asks for a price it
 * would not set itself.
 */
export function guardedRange(s: Pick<OverrideLimits, 'floor' | 'ceiling' | 'band_lo' | 'band_hi'>): { lowest: number; highest: number } {
  const floor = s.floor ?? -Infinity;
  const ceiling = s.ceiling ?? Infinity;
  return { lowest: Math.max(floor, Math.min(ceiling, s.band_lo ?? -Infinity)), highest: Math.max(floor, Math.min(ceiling, s.band_hi ?? Infinity)) };
}

/**
 * The limit an override's price goes under — cost first, the strongest, then the guardrail floor, then the lowest
 * price the rule could set (the list price band's low end) — or null. Under any of them it is refused until the
 * manager confirms it: a mistyped $100 on a $12,917 trip must not become the quotation's price.
 */
export function limitBelow(price: number, s: OverrideLimits): LimitBelow | null {
  if (price < s.cost_total) return 'cost';
  if (s.floor !== null && price < s.floor) return 'floor';
  if (price < guardedRange(s).lowest) return 'list_band';
  return null;
}

/**
 * An override far above what anyone expected is more often a slip than a price: `2150,50` typed where the browser
 * drops the comma is 215050. Above the highest price the rule could set (its ceiling, or the list price band's high
 * end), or above HIGHEST_EXPECTED times the higher of the suggested and the current price, whichever is lower, it is
 * refused until the manager confirms it.
 */
export const HIGHEST_EXPECTED = 1.5;

export function highestExpectedPrice(s: Pick<OverrideLimits, 'suggested_price' | 'current_price' | 'floor' | 'ceiling' | 'band_lo' | 'band_hi'>): number {
  const limit = Math.min(HIGHEST_EXPECTED * Math.max(s.suggested_price, s.current_price), guardedRange(s).highest);
  // In cents, as prices are: 1.5 × 1433.33 is 2149.995, and 2150.00 must not be 'above 2150.00'.
  return Math.round(limit * 100) / 100;
}

/** The limit an override's price goes over, the guardrail's own first, or null (at or under the highest expected). */
export function limitAbove(price: number, s: OverrideLimits): LimitAbove | null {
  if (price <= highestExpectedPrice(s)) return null;
  if (s.ceiling !== null && price > s.ceiling) return 'ceiling';
  if (price > guardedRange(s).highest) return 'list_band';
  return 'highest_expected';
}

const LIMIT_BELOW_TEXT: Record<LimitBelow, (s: OverrideLimits, currency: string) => string> = {
  cost: (s, c) => `our cost of ${usd(s.cost_total, c)}`,
  floor: (s, c) => `the guardrail floor of ${usd(s.floor!, c)} (cost ${usd(s.cost_total, c)} plus the least margin)`,
  list_band: (s, c) => `the lowest price the guardrail rule sets, ${usd(guardedRange(s).lowest, c)} (the list price band's low end${guardedRange(s).lowest === s.band_lo ? '' : ', held under the ceiling'})`,
};
const LIMIT_ABOVE_TEXT: Record<LimitAbove, (s: OverrideLimits, currency: string) => string> = {
  ceiling: (s, c) => `the guardrail ceiling of ${usd(s.ceiling!, c)}`,
  list_band: (s, c) => `the highest price the guardrail rule sets, ${usd(guardedRange(s).highest, c)} (the list price band's high end${guardedRange(s).highest === s.band_hi ? '' : ', held over the floor'})`,
  highest_expected: (s, c) => `${HIGHEST_EXPECTED} times the suggested or current price (${usd(highestExpectedPrice(s), c)})`,
};

/** The limits an override crosses, refused (400 on `price`) unless confirmed; the ones confirmed are returned. */
function checkOverride(price: number, s: OverrideLimits, confirmed: { below: boolean; above: boolean }, currency: string): { below: LimitBelow | null; above: LimitAbove | null } {
  const below = limitBelow(price, s);
  if (below && !confirmed.below) {
    // One code for the floor and the band (both guardrails, both confirmed with confirmBelowFloor); cost has its own.
    throw new InputError(
      `price ${usd(price, currency)} is below ${LIMIT_BELOW_TEXT[below](s, currency)}; check it, or confirm it with confirmBelowFloor: true and a reason, and it is recorded as an override below the ${below === 'list_band' ? 'list price band' : below}`,
      'price',
      below === 'cost' ? 'below_cost' : 'below_floor',
    );
  }
  const above = limitAbove(price, s);
  if (above && !confirmed.above) {
    throw new InputError(
      `price ${usd(price, currency)} is above ${LIMIT_ABOVE_TEXT[above](s, currency)}; check it (a decimal comma typed as a thousands separator?), or confirm it with confirmAboveCeiling: true and a reason`,
      'price',
      'above_ceiling',
    );
  }
  return { below, above };
}

export async function decisionOf(db: pg.Pool | pg.PoolClient, suggestionId: number): Promise<Decision | null> {
  const { rows } = await db.query(`SELECT ${DECISION_COLUMNS} FROM suggestion_decisions WHERE suggestion_id = $1`, [suggestionId]);
  return rows.length ? toDecision(rows[0]) : null;
}
