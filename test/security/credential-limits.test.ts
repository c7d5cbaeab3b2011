import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startOwnRedis, type OwnRedis } from '../support/own-redis.ts';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Finding 3, as reproduced: a bad or unknown key got 401 before the limiter ran, each costing a PostgreSQL
 * lookup (1,000 random keys → 1,000 lookups); a key and its JWT counted in separate buckets; while Redis was
 * down, rate limiting stopped altogether (300 of 300 passed a 120/min limit).
 */
async function apiKeyScans(api: AttackedApi): Promise<number> {
  // The statistics collector publishes a backend's counts when its transaction ends, at most once a second.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const client = await api.db.pool.connect();
  try {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ scans: string }>("SELECT coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS scans FROM pg_stat_user_tables WHERE relname = 'api_keys'");
    return Number(rows[0].scans);
  } finally {
    client.release();
  }
}

const randomKey = () => 'spk_' + crypto.randomBytes(32).toString('base64url');

describe('failed credentials from one address', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('failures', { settings: { failedCredentialsPerMinute: 20 } });
  });
  after(async () => api?.close());

  it('cost at most the allowance in database lookups, then 429 with Retry-After, while valid keys keep working', async () => {
    // The analyst's key is verified (and cached) before the flood, as a busy client's would be.
    assert.equal((await api.http.call('GET', '/v1/destinations', { key: api.keys.analyst })).status, 200);
    const scansBefore = await apiKeyScans(api);
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => api.http.call('GET', '/v1/destinations', { key: randomKey() })));
      for (const r of batch) {
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 429) retryAfter ??= r.headers.get('retry-after');
      }
    }
    const lookups = (await apiKeyScans(api)) - scansBefore;
    assert.ok(lookups <= 20 + 50, `1,000 unknown keys cost ${lookups} lookups of api_keys (statuses ${JSON.stringify(Object.fromEntries(statuses))})`);
    assert.ok((statuses.get(429) ?? 0) >= 900, `most were refused without a lookup: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok(Number(retryAfter) >= 1, 'a refusal says when to come back');
    assert.equal((await api.http.call('GET', '/v1/destinations', { key: api.keys.analyst })).status, 200, 'the address’s valid key still works');
    const again = await api.http.call('GET', '/v1/destinations', { key: randomKey() });
    assert.equal(again.status, 429);
    assert.match(again.body.message, /too many refused credentials/);
  });

  it('answer an unknown token subject from a negative verdict after the first lookup', async () => {
    const fresh = await startAttackedApi('negative', { settings: { failedCredentialsPerMinute: 1000 } });
    try {
      const { createSigner } = await import('fast-jwt');
      const { OPERATOR_SECRET } = await import('./attacked-api.ts');
      const now = Math.floor(Date.now() / 1000);
      const token = createSigner({ key: OPERATOR_SECRET, algorithm: 'HS256' })({ sub: 'key:987654321', iat: now, exp: now + 300 });
      const before = await apiKeyScans(fresh);
      for (let i = 0; i < 100; i++) assert.equal((await fresh.http.call('GET', '/v1/destinations', { token })).status, 401);
      const lookups = (await apiKeyScans(fresh)) - before;
      assert.ok(lookups <= 3, `100 requests for one unknown subject cost ${lookups} lookups`);
    } finally {
      await fresh.close();
    }
  });
});

describe('a key and its tokens', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('buckets', { settings: { rateLimitPerMinute: 4 } });
  });
  after(async () => api?.close());

  it('share one count across routes', async () => {
    const token = (await api.http.call('POST', '/v1/auth/token', { key: api.keys['pricing-manager'] })).body.token as string;
    const statuses = [
      (await api.http.call('GET', '/v1/review/me', { key: api.keys['pricing-manager'] })).status,
      (await api.http.call('GET', '/v1/destinations', { token })).status,
      (await api.http.call('GET', '/v1/review/suggestions', { token })).status,
      (await api.http.call('GET', '/v1/destinations', { key: api.keys['pricing-manager'] })).status,
    ];
    assert.deepEqual(statuses, [200, 200, 200, 429], 'the token request and three more fill the key’s four; the fifth is refused');
    const refused = await api.http.call('GET', '/v1/review/me', { token });
    assert.equal(refused.body.code, 'rate_limited');
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal((await api.http.call('GET', '/v1/destinations', { key: api.keys.analyst })).status, 200, 'another key has its own count');
  });
});

describe('rate limits while Redis is down', () => {
  let redis: OwnRedis | undefined;
  let api: AttackedApi;
  before(async () => {
    redis = await startOwnRedis();
    if (!redis.url) return;
    api = await startAttackedApi('redis_down', { env: { REDIS_URL: redis.url }, settings: { rateLimitPerMinute: 10, redisPrefix: `spirit-attack:${process.pid}:` } });
  });
  after(async () => {
    await api?.close();
    await redis?.stop();
  });

  it('still hold, counted in the process', async (t) => {
    if (!redis?.url) return t.skip(redis?.skipReason);
    assert.equal((await api.http.call('GET', '/v1/destinations', { key: api.keys.analyst })).status, 200, 'counted in Redis while it runs');
    await redis.stop();
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await api.http.call('GET', '/v1/destinations', { key: api.keys.analyst })).status);
    const passed = statuses.filter((s) => s === 200).length;
    assert.ok(passed <= 10, `${passed} of 30 passed a limit of 10 per minute with Redis down: ${statuses.join(',')}`);
    assert.ok(statuses.includes(429));
  });
});
