import { InputError, NotFoundError, SpiritError } from '../errors.ts';

/**
 * Errors the API answers with, and the HTTP status of each. Every error body is
 * `{ code, message, field? }`: the code for programs, the message for people, the field when one is at fault.
 */
export class UnauthorizedError extends SpiritError {
  constructor(message: string) {
    super('unauthorized', message);
  }
}

export class ForbiddenError extends SpiritError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class RateLimitedError extends SpiritError {
  constructor(message: string) {
    super('rate_limited', message);
  }
}

/**
 * A store the route needs does not answer (PostgreSQL restarting, a failover): the caller should retry shortly,
 * and is told when with Retry-After. The cause is logged, never sent: it may name hosts or files.
 */
export class StoreUnavailableError extends SpiritError {
  constructor(
    message: string,
    override readonly cause?: Error,
  ) {
    super('store_unavailable', message);
  }
}

/** A family with no champion model, or whose model cannot be loaded: the route cannot answer yet. */
export class ModelUnavailableError extends SpiritError {
  constructor(
    readonly family: string,
    message: string,
  ) {
    super('model_unavailable', message);
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  model_unavailable: 503,
  store_unavailable: 503,
};

export function httpStatusOf(err: SpiritError): number {
  if (err instanceof InputError) return 400;
  if (err instanceof NotFoundError) return 404;
  return STATUS_BY_CODE[err.code] ?? 500;
}
