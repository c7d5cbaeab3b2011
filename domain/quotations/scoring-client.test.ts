import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PriceSuggestion } from '../../contract/prices.ts';
import { mulberry32 } from '../../platform/random.ts';
import type { RetryEvent } from './http-retry.ts';
import { ScoringClient, ScoringRejectedError, ScoringUnavailableError } from './scoring-client.ts';

/**
 * The client's HTTP error paths against a real HTTP server that answers like the scoring API (same routes,
 * same answer shape, typed by the contract) but can be told to fail: 5xx, slow answers, 4xx, malformed answers.
 * The happy path against the real API is in quotation-engine.test.ts.
 */
const answer = (price: number): PriceSuggestion => ({
  quotationRef: '1', price, lo80: price * 0.9, hi80: price * 1.1, currency: 'USD', modelPrice: price, guardrail: null,
  guardrails: { version: 1, ruleId: 1, destinationId: null, serviceLevel: null, minMargin: 0.1, maxMargin: null, maxPricePerPax: null, maxChangeVsList: null, floor: 1, ceiling: null, listBand: null },
  reasonCodes: [{ feature: 'lead_time_days', amount: 42, text: '+USD 42: booked 90 days ahead' }],
  baseValue: price - 42, contributions: { lead_time_days: 42 }, features: { lead_time_days: 90, group_size: 4 },
  segment: null, modelVersion: 'price-000003', featureSnapshotId: 'fs-1', defaultedFeatures: [], featureSource: null, provisional: false,
});
const demand = {
  destination: 'cusco', measure: 'travellers', granularity: 'day', window: { from: '2031-06-24', to: '2031-07-08' }, forecast: [],
  departures: { count: 1, capacity: 20, bookedTravellers: 10, loadFactor: 0.5, expectedLoadFactor: { expected: 0.8, lo80: 0.7, hi80: 0.9 }, pace: { pace: 1.1, leadTimeDays: 90, bookedLastYear: 8, projectedFinal: 16 } },
  modelVersion: 'demand-000001', featureSnapshotId: 'fs-2', defaultedFeatures: [],
};

interface Script {
  /** What to do on each arrival, in order; the last one repeats. */
  plan: Array<{ status: number; delayMs?: number; body?: unknown; retryAfter?: string }>;
}

let server: FastifyInstance;
let baseUrl: string;
let arrivals: number[] = [];
let headersSeen: Array<Record<string, unknown>> = [];
let script: Script = { plan: [{ status: 200 }] };

before(async () => {
  server = Fastify();
  const handle = async (request: { headers: Record<string, unknown>; body: unknown }, reply: { status: (n: number) => unknown; header: (k: string, v: string) => unknown; send: (b: unknown) => unknown }) => {
    arrivals.push(performance.now());
    headersSeen.push(request.headers);
    const step = script.plan[Math.min(arrivals.length - 1, script.plan.length - 1)];
    if (step.delayMs) await new Promise((r) => setTimeout(r, step.delayMs));
    reply.status(step.status);
    if (step.retryAfter) reply.header('retry-after', step.retryAfter);
    const body = request.body as { quotations?: unknown[] };
    return reply.send(
      step.body ?? (step.status === 200 ? (body.quotations ? { suggestions: body.quotations.map((_, i) => answer(1000 + i)) } : { price: answer(1500), demand, alternatives: null, unavailable: [] }) : { code: 'x', message: `status ${step.status}` }),
    );
  };
  server.post('/v1/prices/suggest', handle as never);
  server.post('/v1/quotations/score', handle as never);
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
  // The first request of a process is slow (connection, JIT); keep it out of the timed attempts.
  await fetch(`${baseUrl}/v1/quotations/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
});
after(() => server.close());
beforeEach(() => {
  arrivals = [];
  headersSeen = [];
});

const request = { itineraryId: 1, departureDate: '2031-07-01', partySize: 4, cost: 2000, quotationRef: '1' };

function client(retryLog: RetryEvent[] = [], policy = {}) {
  return new ScoringClient({
    baseUrl,
    apiKey: 'spk_test',
    rng: mulberry32(7),
    policy: { timeoutMs: 2000, retries: 2, backoffBaseMs: 40, maxBackoffMs: 400, ...policy },
    onRetry: (e) => retryLog.push(e),
  });
}

describe('scoring API client', () => {
  it('retries 5xx with growing backoff and returns the answer that finally comes', async () => {
    script = { plan: [{ status: 503 }, { status: 502 }, { status: 200 }] };
    const retries: RetryEvent[] = [];
    const prices = await client(retries).suggestPrices([request, { ...request, partySize: 6 }]);
    assert.deepEqual(prices.map((p) => p.price), [1000, 1001]);
    assert.equal(arrivals.length, 3);
    assert.deepEqual(retries.map((r) => r.kind), ['server_error', 'server_error']);
    // Backoff n is base·2^(n−1) times a jitter in [0.5, 1], and the server saw the gaps.
    assert.ok(retries[0].delayMs >= 20 && retries[0].delayMs <= 40, `first delay ${retries[0].delayMs}`);
    assert.ok(retries[1].delayMs >= 40 && retries[1].delayMs <= 80, `second delay ${retries[1].delayMs}`);
    assert.ok(arrivals[1] - arrivals[0] >= retries[0].delayMs - 1);
    assert.ok(arrivals[2] - arrivals[1] >= retries[1].delayMs - 1);
    assert.equal(headersSeen[0]['x-api-key'], 'spk_test');
  });

  it('never retries a 4xx: the request is wrong and fails the same way again', async () => {
    script = { plan: [{ status: 400, body: { code: 'invalid_input', message: 'body partySize must be <= 200', field: 'partySize' } }] };
    await assert.rejects(client().scoreQuotation(request), (err: unknown) => err instanceof ScoringRejectedError && err.status === 400 && /partySize/.test(err.message));
    assert.equal(arrivals.length, 1);
    script = { plan: [{ status: 403 }] };
    await assert.rejects(client().scoreQuotation(request), ScoringRejectedError);
    assert.equal(arrivals.length, 2);
  });

  it('retries timeouts and gives up as unavailable after the last attempt', async () => {
    script = { plan: [{ status: 200, delayMs: 1200 }] };
    const retries: RetryEvent[] = [];
    await assert.rejects(client(retries, { timeoutMs: 500 }).scoreQuotation(request), (err: unknown) => err instanceof ScoringUnavailableError && err.attempts === 3 && /no answer within 500 ms/.test(err.message));
    assert.equal(arrivals.length, 3);
    assert.deepEqual(retries.map((r) => r.kind), ['timeout', 'timeout']);
  });

  it('recovers when only the first attempt times out', async () => {
    script = { plan: [{ status: 200, delayMs: 1200 }, { status: 200 }] };
    const score = await client([], { timeoutMs: 500 }).scoreQuotation(request);
    assert.equal(score.suggestion.price, 1500);
    assert.equal(score.loadFactor, 0.8);
    assert.equal(score.pace, 1.1);
    assert.equal(arrivals.length, 2);
  });

  it('honours a short Retry-After on a 503', async () => {
    script = { plan: [{ status: 503, retryAfter: '0' }, { status: 200 }] };
    const retries: RetryEvent[] = [];
    await client(retries).scoreQuotation(request);
    assert.equal(retries[0].delayMs, 0);
  });

  it('reports an API that is down as unavailable', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const down = new ScoringClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', rng: mulberry32(1), policy: { retries: 1, backoffBaseMs: 10, timeoutMs: 300 } });
    await assert.rejects(down.scoreQuotation(request), (err: unknown) => err instanceof ScoringUnavailableError && /ECONNREFUSED/.test(err.message));
  });

  it('treats a rate limit and a malformed answer as unavailable, without retrying the rate limit', async () => {
    script = { plan: [{ status: 429 }] };
    await assert.rejects(client().scoreQuotation(request), (err: unknown) => err instanceof ScoringUnavailableError && /rate limiting/.test(err.message));
    assert.equal(arrivals.length, 1);
    script = { plan: [{ status: 200, body: { price: { ...answer(1500), price: 'cheap' }, demand: null, alternatives: null, unavailable: [] } }] };
    await assert.rejects(client().scoreQuotation(request), (err: unknown) => err instanceof ScoringUnavailableError && /invalid price\.price \(must be number, got "cheap"\)/.test(err.message));
    script = { plan: [{ status: 200, body: { suggestions: [answer(1)] } }] };
    await assert.rejects(client().suggestPrices([request, request]), /1 answers for 2 quotations/);
    script = { plan: [{ status: 200, body: { suggestions: [answer(1), { ...answer(2), lo80: -5 }] } }] };
    await assert.rejects(client().suggestPrices([request, request]), /invalid suggestions\[1\]\.lo80 \(-5\)/);
  });

  it('refuses an answer that does not carry what the contract promises, naming the field', async () => {
    // An answer without its feature values was once stored with features = {}: now it never reaches the store.
    const { features: _features, ...withoutFeatures } = answer(1000);
    script = { plan: [{ status: 200, body: { suggestions: [withoutFeatures] } }] };
    await assert.rejects(client().suggestPrices([request]), (err: unknown) => err instanceof ScoringUnavailableError && /suggestions\[0\]\.features/.test(err.message) && /required/.test(err.message));
    script = { plan: [{ status: 200, body: { suggestions: [{ ...answer(1000), guardrail: 'sideways' }] } }] };
    await assert.rejects(client().suggestPrices([request]), /suggestions\[0\]\.guardrail/);
    script = { plan: [{ status: 200, body: { price: answer(1000), demand: { ...demand, departures: { ...demand.departures, loadFactor: '50%' } }, alternatives: null, unavailable: [] } }] };
    await assert.rejects(client().scoreQuotation(request), /demand\.departures\.loadFactor/);
  });

  it('hands back the answer as the contract types it, feature values included', async () => {
    script = { plan: [{ status: 200 }] };
    const [priced] = await client().suggestPrices([request]);
    assert.deepEqual(priced, answer(1000));
    const score = await client().scoreQuotation(request);
    assert.deepEqual(score.suggestion.features, { lead_time_days: 90, group_size: 4 });
    assert.equal(score.demandPending, false);
  });
});
