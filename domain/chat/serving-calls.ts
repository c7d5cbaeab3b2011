import { Compile } from 'typebox/compile';
import { UnderstandAnswer, type UnderstandRequest } from '../../contract/messages.ts';
import { RecommendationsSchema } from '../../contract/recommendations.ts';
import { InputError, SpiritError } from '../../platform/errors.ts';

/**
 * The two scoring-API routes a conversation uses, over HTTP like every call from domain to serving, with the
 * caller's own credential (the API then applies that caller's role and rate limit): understanding a message
 * (the nlu family, POST /v1/messages/understand — the same code path as a front end calling it directly) and a
 * customer's recommendations. Both answers are typed and checked by the API's contract (contract/).
 */
export type Understanding = UnderstandAnswer;

const understanding = Compile(UnderstandAnswer);
const recommendations = Compile(RecommendationsSchema);

export interface RecommendedItinerary {
  itineraryId: number;
  destinationCode: string;
}

const TIMEOUT_MS = 5000;

export class ServingCalls {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly credential: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  private headers(): Record<string, string> {
    return this.credential.startsWith('spk_') ? { 'x-api-key': this.credential } : { authorization: `Bearer ${this.credential}` };
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? this.headers() : { ...this.headers(), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      throw new SpiritError('model_unavailable', `the scoring API did not answer ${path.split('?')[0]}: ${(error as Error).name}`);
    }
    const text = await response.text();
    let parsed: any = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed };
  }

  /** The message understood; the API's 400 (empty, binary, too long, bad date) is passed on with its field. */
  async understand(text: string, today: string): Promise<Understanding> {
    const request: UnderstandRequest = { text, today };
    const answer = await this.call('POST', '/v1/messages/understand', request);
    if (answer.status === 200) {
      if (understanding.Check(answer.body)) return answer.body;
      const [first] = understanding.Errors(answer.body);
      throw new SpiritError('model_unavailable', `the scoring API's understanding of the message does not match its contract (${first?.instancePath || 'answer'}: ${first?.message ?? 'malformed'})`);
    }
    const message = typeof answer.body?.message === 'string' ? answer.body.message : `status ${answer.status}`;
    if (answer.status === 400) throw new InputError(message, typeof answer.body?.field === 'string' ? answer.body.field : 'text');
    if (answer.status === 401 || answer.status === 403 || answer.status === 429) throw new SpiritError(answer.body?.code ?? 'forbidden', message);
    throw new SpiritError('model_unavailable', `no message understanding right now: ${message}`);
  }

  /**
   * The recommender's itineraries for a customer in a departure window, best first; empty when it has nothing
   * to say (no model, a customer it cannot place, an answer that does not match the contract): the catalogue then
   * proposes alone.
   */
  async recommendations(customerId: number, from: string, to: string): Promise<RecommendedItinerary[]> {
    const query = new URLSearchParams({ k: '20', from, to });
    const answer = await this.call('GET', `/v1/customers/${customerId}/recommendations?${query}`).catch(() => ({ status: 0, body: null }));
    if (answer.status !== 200 || !recommendations.Check(answer.body)) return [];
    return answer.body.items.map((i) => ({ itineraryId: i.itineraryId, destinationCode: i.destination.code }));
  }
}
