import type { Static, TSchema } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';
import type { AppliedGuardrails } from '../../contract/guardrails.ts';
import { SuggestedPrices, type PriceSuggestion, type QuotationToPrice, type SuggestPricesBody } from '../../contract/prices.ts';
import { QuotationScoreSchema, type ScoreQuotationBody } from '../../contract/quotations.ts';
import { SpiritError } from '../../platform/errors.ts';
import { mulberry32, type Rng } from '../../platform/random.ts';
import { DEFAULT_RETRY_POLICY, postJsonWithRetry, ServiceUnavailableError, type RetryEvent, type RetryPolicy } from './http-retry.ts';

/**
 * Typed client of the scoring API (serving/), the only way domain code reaches the models: over HTTP, with a
 * timeout per attempt and retries on 5xx/timeouts (http-retry.ts). Requests and answers are the API's own
 * contract (contract/prices.ts, contract/quotations.ts): the types come from its schemas, and every answer is
 * checked against them with TypeBox's compiled checker before it is used. `scoreQuotation` and `suggestPrices`
 * either return a checked answer, or throw ScoringUnavailableError (the caller falls back to cost-plus) or
 * ScoringRejectedError (a 4xx: our request or our key is wrong — a fallback would hide the bug, so it surfaces).
 */
export type PriceRequest = QuotationToPrice;
export type { AppliedGuardrails, PriceSuggestion };

export interface QuotationScore {
  suggestion: PriceSuggestion;
  /** Expected load factor and booking pace of the departure, when the API knows them. */
  loadFactor: number | null;
  pace: number | null;
  /** The API could not have the departures' demand in time (it goes on fetching it): asking again shortly fills it. */
  demandPending: boolean;
}

export class ScoringUnavailableError extends SpiritError {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super('scoring_unavailable', message);
  }
}

export class ScoringRejectedError extends SpiritError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super('scoring_rejected', message);
  }
}

export interface ScoringClientOptions {
  baseUrl: string;
  /** An API key (`spk_…`, sent as X-API-Key), or a token from POST /v1/auth/token (sent as a bearer token). */
  apiKey: string;
  policy?: Partial<RetryPolicy>;
  /** Jitter of the backoff; seeded in tests. */
  rng?: Rng;
  onRetry?: (event: RetryEvent) => void;
}

export interface PriceScorer {
  scoreQuotation(request: PriceRequest): Promise<QuotationScore>;
  suggestPrices(requests: PriceRequest[]): Promise<PriceSuggestion[]>;
}

const scoredQuotation = Compile(QuotationScoreSchema);
const suggestedPrices = Compile(SuggestedPrices);

/** A JSON pointer's steps: `/suggestions/3/price` is suggestions, 3, price. */
const stepsOf = (pointer: string) => pointer.split('/').slice(1).map((step) => step.replace(/~1/g, '/').replace(/~0/g, '~'));

/** Steps named the way the API's own errors name fields: `suggestions[3].price`. */
const fieldName = (steps: string[]) => steps.reduce((name, step) => (/^\d+$/.test(step) ? `${name}[${step}]` : name ? `${name}.${step}` : step), '') || 'answer';

const valueAt = (value: unknown, steps: string[]) => steps.reduce<unknown>((at, step) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[step] : undefined), value);

function unusable(route: string, field: string, what: string): never {
  throw new ScoringUnavailableError(`the scoring API's answer to ${route} has an invalid ${field} (${what}); treating it as unavailable`, 1);
}

/** The answer as the contract types it, or ScoringUnavailableError naming the first field that does not match: a malformed answer must not become a price. */
function checked<S extends TSchema>(validator: Validator<{}, S>, body: unknown, route: string): Static<S> {
  if (validator.Check(body)) return body as Static<S>;
  const [first] = validator.Errors(body);
  if (!first) unusable(route, 'answer', 'does not match the contract');
  const steps = stepsOf(first.instancePath);
  if (first.keyword === 'required') {
    const missing = (first.params as { requiredProperties: string[] }).requiredProperties[0];
    unusable(route, fieldName([...steps, missing]), 'required, missing');
  }
  const got = JSON.stringify(valueAt(body, steps)) ?? 'nothing';
  unusable(route, fieldName(steps), `${first.message}, got ${got.length > 80 ? `${got.slice(0, 80)}…` : got}`);
}

/** What the schema cannot say: a price below zero is no price. */
function checkPrice(s: PriceSuggestion, route: string, path: string): PriceSuggestion {
  for (const key of ['price', 'lo80', 'hi80'] as const) if (s[key] < 0) unusable(route, `${path}.${key}`, String(s[key]));
  return s;
}

export class ScoringClient implements PriceScorer {
  private readonly policy: RetryPolicy;
  private readonly rng: Rng;
  private readonly baseUrl: string;

  constructor(private readonly options: ScoringClientOptions) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.rng = options.rng ?? mulberry32(Date.now() >>> 0);
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    let answer;
    try {
      answer = await postJsonWithRetry(`${this.baseUrl}${path}`, body, {
        headers: this.options.apiKey.startsWith('spk_') ? { 'x-api-key': this.options.apiKey } : { authorization: `Bearer ${this.options.apiKey}` },
        policy: this.policy,
        rng: this.rng,
        onRetry: this.options.onRetry,
      });
    } catch (err) {
      if (err instanceof ServiceUnavailableError) throw new ScoringUnavailableError(`scoring API unavailable: ${err.message}`, err.attempts);
      throw err;
    }
    if (answer.status >= 400) {
      const message = answer.body && typeof answer.body === 'object' && 'message' in answer.body ? String((answer.body as { message: unknown }).message) : JSON.stringify(answer.body);
      if (answer.status === 429) throw new ScoringUnavailableError(`scoring API is rate limiting this client: ${message}`, answer.attempts);
      throw new ScoringRejectedError(answer.status, `scoring API refused ${path} (HTTP ${answer.status}): ${message}`);
    }
    return answer.body;
  }

  async scoreQuotation(request: PriceRequest): Promise<QuotationScore> {
    // Alternatives are for the sales agent's screen, not for pricing: not asked for.
    const body: ScoreQuotationBody = { quotation: request, alternatives: 0 };
    const answer = checked(scoredQuotation, await this.post('/v1/quotations/score', body), 'quotations/score');
    const departures = answer.demand?.departures ?? null;
    return {
      suggestion: checkPrice(answer.price, 'quotations/score', 'price'),
      // The load factor the pace projects when there is one, else what is booked now.
      loadFactor: departures?.expectedLoadFactor?.expected ?? departures?.loadFactor ?? null,
      pace: departures?.pace?.pace ?? null,
      demandPending: (answer.demand?.defaultedFeatures.length ?? 0) > 0,
    };
  }

  async suggestPrices(requests: PriceRequest[]): Promise<PriceSuggestion[]> {
    const body: SuggestPricesBody = { quotations: requests };
    const { suggestions } = checked(suggestedPrices, await this.post('/v1/prices/suggest', body), 'prices/suggest');
    if (suggestions.length !== requests.length) unusable('prices/suggest', 'suggestions', `${suggestions.length} answers for ${requests.length} quotations`);
    return suggestions.map((s, i) => checkPrice(s, 'prices/suggest', `suggestions[${i}]`));
  }
}
