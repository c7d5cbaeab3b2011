import { SpiritError } from '../../platform/errors.ts';
import type { Rng } from '../../platform/random.ts';

/**
 * POST JSON with a timeout per attempt and retries with exponential backoff, for calls whose failure has a
 * fallback. Only failures that may pass are retried: a 5xx answer, a timeout, or no answer at all (connection
 * refused or reset: the service restarting, the same class as a timeout). A 4xx answer says the request
 * itself is wrong and would fail again, so it is returned at once.
 */
export interface RetryPolicy {
  /** Longest wait for one attempt's answer. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Backoff before retry n is base·2^(n−1), capped at maxBackoffMs, times a jitter in [0.5, 1]. */
  backoffBaseMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { timeoutMs: 1500, retries: 2, backoffBaseMs: 100, maxBackoffMs: 1000 };

export type FailureKind = 'server_error' | 'timeout' | 'unreachable';

export interface RetryEvent {
  attempt: number;
  kind: FailureKind;
  detail: string;
  delayMs: number;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  attempts: number;
}

/** Every attempt failed in a way worth retrying: the service is down for now. */
export class ServiceUnavailableError extends SpiritError {
  constructor(
    readonly kind: FailureKind,
    readonly attempts: number,
    message: string,
  ) {
    super('service_unavailable', message);
  }
}

export function backoffDelay(policy: RetryPolicy, retry: number, rng: Rng): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffBaseMs * 2 ** (retry - 1));
  return Math.round(exponential * (0.5 + 0.5 * rng()));
}

/** Retry-After in seconds, when the server asks for a wait we can afford. */
function retryAfterMs(response: Response, policy: RetryPolicy): number | undefined {
  const header = response.headers.get('retry-after');
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  const ms = Number(header) * 1000;
  return ms <= policy.maxBackoffMs ? ms : undefined;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function postJsonWithRetry(
  url: string,
  body: unknown,
  options: { headers: Record<string, string>; policy: RetryPolicy; rng: Rng; onRetry?: (event: RetryEvent) => void },
): Promise<HttpAnswer> {
  const { policy } = options;
  const payload = JSON.stringify(body);
  let last: { kind: FailureKind; detail: string } = { kind: 'unreachable', detail: 'not attempted' };
  for (let attempt = 1; attempt <= policy.retries + 1; attempt++) {
    let serverDelay: number | undefined;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
        body: payload,
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      const answer = await readBody(response);
      if (response.status < 500) return { status: response.status, body: answer, attempts: attempt };
      const message = answer && typeof answer === 'object' && 'message' in answer ? String((answer as { message: unknown }).message) : '';
      last = { kind: 'server_error', detail: `HTTP ${response.status}${message ? `: ${message}` : ''}` };
      serverDelay = retryAfterMs(response, policy);
    } catch (err) {
      const name = (err as Error).name;
      last =
        name === 'TimeoutError' || name === 'AbortError'
          ? { kind: 'timeout', detail: `no answer within ${policy.timeoutMs} ms` }
          : { kind: 'unreachable', detail: describeNetworkError(err as Error) };
    }
    if (attempt > policy.retries) break;
    const delayMs = serverDelay ?? backoffDelay(policy, attempt, options.rng);
    options.onRetry?.({ attempt, ...last, delayMs });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  const attempts = policy.retries + 1;
  throw new ServiceUnavailableError(last.kind, attempts, `${url} failed ${attempts} time${attempts > 1 ? 's' : ''}; last: ${last.detail}`);
}

function describeNetworkError(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : err.message;
}
