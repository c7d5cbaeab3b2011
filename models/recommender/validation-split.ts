import { InputError } from '../../platform/errors.ts';
import { toMillis, type Interaction } from './interactions.ts';

/**
 * The validation split that hyperparameters are chosen on, carved from the training data only: for every customer
 * with at least two interactions, their latest ones by time (a `share` of them, at least one, never all) are held
 * out (ordered by when they first turned to an itinerary, `firstTs`, when rows sum several events), the rest is what
 * a candidate model learns from. Like the test protocol it asks "what comes next for this
 * customer", and since it is cut from training rows alone, nothing after the real cut-off can shape a choice.
 * Ties in time keep the input order, so the split is deterministic.
 */
export interface ValidationSplit<T> {
  fit: T[];
  validation: T[];
}

export const DEFAULT_VALIDATION_SHARE = 0.2;

export function latestPerCustomer<T extends Pick<Interaction, 'userId' | 'ts' | 'firstTs'>>(rows: readonly T[], share = DEFAULT_VALIDATION_SHARE): ValidationSplit<T> {
  if (!(share > 0 && share < 1)) throw new InputError(`the validation share must be between 0 and 1, got ${String(share)}`, 'validationShare');
  const byCustomer = new Map<string, number[]>();
  const at = rows.map((row, r) => {
    let list = byCustomer.get(row.userId);
    if (!list) byCustomer.set(row.userId, (list = []));
    list.push(r);
    return row.firstTs === undefined ? toMillis(row.ts, 'ts', r) : toMillis(row.firstTs, 'firstTs', r);
  });
  const heldOut = new Uint8Array(rows.length);
  for (const list of byCustomer.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => at[a] - at[b] || a - b);
    const count = Math.min(list.length - 1, Math.max(1, Math.round(share * list.length)));
    for (let e = list.length - count; e < list.length; e++) heldOut[list[e]] = 1;
  }
  const fit: T[] = [];
  const validation: T[] = [];
  rows.forEach((row, r) => (heldOut[r] ? validation : fit).push(row));
  return { fit, validation };
}
