import { SpiritError } from '../../platform/errors.ts';
import { mulberry32, type Rng } from '../../platform/random.ts';
import { DEFAULT_RETRY_POLICY, postJsonWithRetry, ServiceUnavailableError, type RetryEvent, type RetryPolicy } from './http-retry.ts';

/**
 * Typed client of the scoring API (serving/), the only way domain code reaches the models: over HTTP, with a
 * timeout per attempt and retries on 5xx/timeouts (http-retry.ts). `scoreQuotation` and `suggestPrices` either
 * return a checked answer, or throw ScoringUnavailableError (the caller falls back to cost-plus) or
 * ScoringRejectedError (a 4xx: our request or our key is wrong — a fallback would hide the bug, so it surfaces).
 */
export interface PriceRequest {
  /** Our quotation id, kept in the API's request log so the suggestion can be joined to the quotation. */
  quotationRef?: string;
  itineraryId: number;
  departureDate: string;
  partySize: number;
  /** Our cost for the whole group. */
  cost: number;
  /** The price the quotation carries now, for the max-change guardrail. */
  listPrice?: number;
  customerId?: number;
  channel?: string;
}

export interface ReasonCode {
  feature: string;
  amount: number;
  text: string;
}

export interface PriceSuggestion {
  price: number;
  lo80: number;
  hi80: number;
  reasonCodes: ReasonCode[];
  contributions: Record<string, number>;
  baseValue: number | null;
  guardrail: 'floor' | 'ceiling' | 'max_change' | null;
  /** The rule the price was held to and its limits for this quotation (null from an API that does not say). */
  guardrails: AppliedGuardrails | null;
  unclampedPrice: number | null;
  segment: string | null;
  modelVersion: string;
  featureSnapshotId: string | null;
  features: Record<string, number>;
  defaulted: string[];
  /** Some feature was not to be had in time: an estimate, never recorded for review nor quoted. */
  provisional: boolean;
}

/** The guardrail rule a price was held to, as the scoring API reports it (serving/routes/guardrail-schemas.ts). */
export interface AppliedGuardrails {
  version: number;
  ruleId: number;
  destinationId: number | null;
  serviceLevel: string | null;
  minMargin: number;
  maxMargin: number | null;
  maxPricePerPax: number | null;
  maxChangeVsList: number | null;
  floor: number;
  ceiling: number | null;
  listBand: { lo: number; hi: number } | null;
}

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

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const GUARDRAILS = new Set(['floor', 'ceiling', 'max_change']);

function bad(path: string, what: string): never {
  throw new ScoringUnavailableError(`the scoring API answered without a valid ${path} (${what}); treating it as unavailable`, 1);
}

function readGuardrails(raw: unknown, path: string): AppliedGuardrails | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object') bad(path, 'not an object');
  const g = raw as Record<string, unknown>;
  const need = (key: string): number => (num(g[key]) ? (g[key] as number) : bad(`${path}.${key}`, String(g[key])));
  const maybe = (key: string): number | null => (g[key] === null || g[key] === undefined ? null : need(key));
  const band = g.listBand as Record<string, unknown> | null | undefined;
  if (band !== null && band !== undefined && (typeof band !== 'object' || !num(band.lo) || !num(band.hi))) bad(`${path}.listBand`, JSON.stringify(band));
  if (g.serviceLevel !== null && g.serviceLevel !== undefined && typeof g.serviceLevel !== 'string') bad(`${path}.serviceLevel`, String(g.serviceLevel));
  return {
    version: need('version'),
    ruleId: need('ruleId'),
    destinationId: maybe('destinationId'),
    serviceLevel: (g.serviceLevel as string | null | undefined) ?? null,
    minMargin: need('minMargin'),
    maxMargin: maybe('maxMargin'),
    maxPricePerPax: maybe('maxPricePerPax'),
    maxChangeVsList: maybe('maxChangeVsList'),
    floor: need('floor'),
    ceiling: maybe('ceiling'),
    listBand: band ? { lo: band.lo as number, hi: band.hi as number } : null,
  };
}

/** Checks an answer field by field: a malformed answer must not become a price. */
export function readSuggestion(raw: unknown, path: string): PriceSuggestion {
  if (!raw || typeof raw !== 'object') bad(path, 'not an object');
  const s = raw as Record<string, unknown>;
  for (const key of ['price', 'lo80', 'hi80'] as const) if (!num(s[key]) || (s[key] as number) < 0) bad(`${path}.${key}`, String(s[key]));
  if (typeof s.modelVersion !== 'string' || s.modelVersion === '') bad(`${path}.modelVersion`, String(s.modelVersion));
  const reasons = Array.isArray(s.reasonCodes) ? s.reasonCodes : [];
  const guardrail = s.guardrail ?? null;
  if (guardrail !== null && !GUARDRAILS.has(String(guardrail))) bad(`${path}.guardrail`, String(guardrail));
  const numbers = (value: unknown): Record<string, number> =>
    value && typeof value === 'object' ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => num(v)) as Array<[string, number]>) : {};
  const reasonCodes = reasons
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object')
    .map((r) => ({ feature: String(r.feature ?? ''), amount: num(r.amount) ? r.amount : 0, text: String(r.text ?? '') }));
  const guardrails = readGuardrails(s.guardrails, `${path}.guardrails`);
  const segment = s.segment && typeof s.segment === 'object' ? (s.segment as { id?: unknown; name?: unknown }) : null;
  return {
    price: s.price as number,
    lo80: s.lo80 as number,
    hi80: s.hi80 as number,
    reasonCodes,
    // The API gives the largest contributions as reason codes; a full breakdown, when sent, wins.
    contributions: s.contributions ? numbers(s.contributions) : Object.fromEntries(reasonCodes.map((r) => [r.feature, r.amount])),
    baseValue: num(s.baseValue) ? s.baseValue : null,
    guardrail: guardrail as PriceSuggestion['guardrail'],
    guardrails,
    unclampedPrice: num(s.modelPrice) ? s.modelPrice : null,
    segment: segment ? (typeof segment.name === 'string' ? segment.name : `segment ${String(segment.id)}`) : null,
    modelVersion: s.modelVersion as string,
    featureSnapshotId: typeof s.featureSnapshotId === 'string' ? s.featureSnapshotId : null,
    features: numbers(s.features),
    defaulted: Array.isArray(s.defaultedFeatures) ? s.defaultedFeatures.map(String) : [],
    provisional: s.provisional === true,
  };
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
    const body = (await this.post('/v1/quotations/score', { quotation: request, alternatives: 0 })) as Record<string, unknown> | null;
    if (!body || typeof body !== 'object') bad('score', 'empty answer');
    const demand = body.demand && typeof body.demand === 'object' ? (body.demand as { departures?: Record<string, unknown> | null; defaultedFeatures?: unknown }) : null;
    const departures = demand?.departures ?? null;
    const expected = departures?.expectedLoadFactor as { expected?: unknown } | null | undefined;
    const pace = departures?.pace as { pace?: unknown } | null | undefined;
    return {
      suggestion: readSuggestion(body.price, 'price'),
      // The load factor the pace projects when there is one, else what is booked now.
      loadFactor: num(expected?.expected) ? expected.expected : num(departures?.loadFactor) ? (departures.loadFactor as number) : null,
      pace: num(pace?.pace) ? pace.pace : null,
      demandPending: Array.isArray(demand?.defaultedFeatures) && demand.defaultedFeatures.length > 0,
    };
  }

  async suggestPrices(requests: PriceRequest[]): Promise<PriceSuggestion[]> {
    const body = (await this.post('/v1/prices/suggest', { quotations: requests })) as Record<string, unknown> | null;
    const list = body && Array.isArray(body.suggestions) ? body.suggestions : bad('suggestions', 'not a list');
    if (list.length !== requests.length) bad('suggestions', `${list.length} answers for ${requests.length} quotations`);
    return list.map((s, i) => readSuggestion(s, `suggestions[${i}]`));
  }
}
