import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzApi, operationsOf, type OpenApiDocument } from '../support/openapi-fuzzer.ts';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Every route of the OpenAPI document, fuzzed from its own schemas (test/support/openapi-fuzzer.ts): a sample
 * here, 10,000+ requests in `npm run bench -- fuzz`. No answer is a 5xx, every refusal is `{ code, message }`,
 * and no answer shows a stack trace, an internal path or a connection string.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2500);

describe('the API fuzzed from its OpenAPI document', () => {
  let api: AttackedApi;
  let document: OpenApiDocument;
  before(async () => {
    api = await startAttackedApi('fuzz', { withModels: true });
    document = (await api.http.call('GET', '/docs/json')).body as OpenApiDocument;
  });
  after(async () => api?.close());

  it('documents every route the server has', () => {
    const documented = new Set(operationsOf(document).map((op) => `${op.method} ${op.route.replace(/\{(\w+)\}/g, ':$1')}`));
    const served = api.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((line) => line.includes('/v1/'));
    assert.ok(documented.size >= 25, `${documented.size} operations documented`);
    for (const needed of ['POST /v1/prices/suggest', 'PUT /v1/review/auto-accept-bands', 'POST /v1/guardrails/remove', 'GET /v1/review/decisions', 'GET /v1/admin/audit']) {
      assert.ok(documented.has(needed), `${needed} is documented (and so fuzzed); served: ${served.length} lines`);
    }
  });

  it(`answers ${REQUESTS} fuzzed requests without a 5xx or a leak`, async () => {
    const ownKeyIds = new Set(Object.values(api.keyIds));
    const outcome = await fuzzApi({
      base: api.http.base,
      document,
      count: REQUESTS,
      seed: 20261206,
      concurrency: 4,
      credentials: [
        { 'x-api-key': api.keys.admin },
        { 'x-api-key': api.keys.admin },
        { 'x-api-key': api.keys.admin },
        { 'x-api-key': api.keys['pricing-manager'] },
        { 'x-api-key': api.keys['quotation-engine'] },
        { 'x-api-key': api.keys.analyst },
        {},
        { 'x-api-key': 'spk_' + 'A'.repeat(43) },
      ],
      // The fuzzer must not revoke its own keys: the rest of the run would only test 401s.
      guard: (request) => {
        const id = /^\/v1\/admin\/keys\/([^/?]+)/.exec(request.path)?.[1];
        return id !== undefined && ownKeyIds.has(id) ? { ...request, path: '/v1/admin/keys/999999999' } : undefined;
      },
    });
    const statuses = JSON.stringify(Object.fromEntries(outcome.statuses));
    assert.equal(outcome.requests, REQUESTS, `every request answered; ${outcome.problems.slice(0, 3).join(' | ')}`);
    process.stderr.write(outcome.slowest.slice(0, 8).map((s) => `# slow: ${s.ms.toFixed(0)} ms ${s.status} ${s.request}`).join('\n') + '\n');
    if (outcome.problems.length) process.stderr.write(outcome.problems.map((p) => `# ${p.slice(0, 300)}`).join('\n') + '\n');
    assert.deepEqual(outcome.problems.slice(0, 10), [], `${outcome.problems.length} bad answers; statuses ${statuses}`);
    // A slow store is answered 503 with Retry-After, never hung on; on a loaded machine a few reports time out.
    assert.ok(outcome.storeUnavailable <= REQUESTS * 0.02, `${outcome.storeUnavailable} answers were 503 store_unavailable`);
    assert.ok((outcome.statuses.get(400) ?? 0) > REQUESTS / 8, `mostly refused as bad input: ${statuses}`);
    assert.ok((outcome.statuses.get(200) ?? 0) > 0, `some valid requests succeed: ${statuses}`);
    assert.equal(outcome.byOperation.size, operationsOf(document).length, 'every operation was fuzzed');
    assert.equal((await api.http.call('GET', '/health')).status, 200, 'and the API is still up');
  });
});
