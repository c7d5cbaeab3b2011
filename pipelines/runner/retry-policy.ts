import { InputError } from '../../platform/errors.ts';

/**
 * How a failing step is retried, the same for both runners: `attempts` tries in all, waiting
 * delayMs·2^(n-1) after the n-th failure, of which a `jitter` share is random so that steps failing together
 * (a database restart) do not all come back at the same moment. The formula is BullMQ's exponential backoff,
 * so the BullMQ runner hands the same numbers to BullMQ.
 */
export interface RetryPolicy {
  attempts: number;
  delayMs: number;
  jitter: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, delayMs: 5_000, jitter: 0.5 };

export function checkRetryPolicy(policy: RetryPolicy): RetryPolicy {
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1 || policy.attempts > 20) {
    throw new InputError(`attempts must be a whole number from 1 to 20, got ${policy.attempts}`, 'attempts');
  }
  if (!Number.isFinite(policy.delayMs) || policy.delayMs < 0) throw new InputError(`retry delay must be ≥ 0 ms, got ${policy.delayMs}`, 'retry-delay');
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw new InputError(`jitter must be between 0 and 1, got ${policy.jitter}`, 'jitter');
  return policy;
}

/** Milliseconds to wait after `failures` failed attempts (1 = after the first). */
export function backoffDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  const max = 2 ** (failures - 1) * policy.delayMs;
  return Math.floor(random() * max * policy.jitter + max * (1 - policy.jitter));
}

/** The same policy as BullMQ job options. */
export function bullmqRetryOptions(policy: RetryPolicy): { attempts: number; backoff: { type: 'exponential'; delay: number; jitter: number } } {
  return { attempts: policy.attempts, backoff: { type: 'exponential', delay: policy.delayMs, jitter: policy.jitter } };
}
