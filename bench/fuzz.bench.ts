import type { BenchContext } from './run.ts';
import { fuzzApi, operationsOf, type OpenApiDocument } from '../test/support/openapi-fuzzer.ts';
import { startAttackedApi } from '../test/security/attacked-api.ts';
import { testClickHouse } from '../test/support/services.ts';

export const title = 'Every route of the OpenAPI document fuzzed from its own schemas: answers ≥ 500, leaks, refusals by status';

/**
 * The security review's fuzzer at full size (test/security/openapi-fuzz.test.ts runs a sample): 10,000 requests
 * (--scale small: 2,000) over every operation, with every role's key, none, and a made-up one.
 */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const count = ctx.scale === 'small' ? 2000 : 12_000;
  const api = await startAttackedApi('fuzz_bench', { withModels: true });
  try {
    const document = (await api.http.call('GET', '/docs/json')).body as OpenApiDocument;
    const ownKeyIds = new Set(Object.values(api.keyIds));
    const credentials: Array<Record<string, string>> = [
      { 'x-api-key': api.keys.admin },
      { 'x-api-key': api.keys.admin },
      { 'x-api-key': api.keys['pricing-manager'] },
      { 'x-api-key': api.keys['quotation-engine'] },
      { 'x-api-key': api.keys.analyst },
      {},
      { 'x-api-key': 'spk_' + 'A'.repeat(43) },
    ];
    const guard = (request: { path: string }) => {
      const id = /^\/v1\/admin\/keys\/([^/?]+)/.exec(request.path)?.[1];
      return id !== undefined && ownKeyIds.has(id) ? { ...request, path: '/v1/admin/keys/999999999' } : undefined;
    };
    const started = performance.now();
    const fuzzed = await fuzzApi({ base: api.http.base, document, count, seed: 20261206, concurrency: 8, credentials, guard: guard as never, onProgress: (n) => ctx.log(`fuzz: ${n} of ${count}`) });
    const fuzzSeconds = (performance.now() - started) / 1000;
    const serverErrors = [...fuzzed.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    return {
      requests: fuzzed.requests,
      operations: operationsOf(document).length,
      operationsFuzzed: fuzzed.byOperation.size,
      statuses: Object.fromEntries([...fuzzed.statuses].sort(([a], [b]) => a - b)),
      answersAtOrAbove500: serverErrors,
      storeUnavailable503: fuzzed.storeUnavailable,
      problems: fuzzed.problems.length,
      firstProblems: fuzzed.problems.slice(0, 5),
      requestsPerSecond: Math.round(fuzzed.requests / fuzzSeconds),
      slowest: fuzzed.slowest.slice(0, 5).map((s) => `${s.ms.toFixed(0)} ms ${s.status} ${s.request.slice(0, 100)}`),
    };
  } finally {
    await api.close();
    // chDB merging while the process exits can crash its exit handlers: close it first.
    await (await testClickHouse()).close();
  }
}
