import { SpiritError } from '../../platform/errors.ts';

/**
 * A review action that is well-formed but cannot happen in the current state: the suggestion was already
 * decided or superseded, the price is locked, the quotation has moved on. The API answers 409 with the code.
 */
export type ConflictCode = 'already_decided' | 'price_locked' | 'stale_suggestion' | 'quotation_closed' | 'quotation_changed' | 'already_locked' | 'lock_released';

export class ReviewConflictError extends SpiritError {
  constructor(code: ConflictCode, message: string, field?: string) {
    super(code, message, field);
  }
}
