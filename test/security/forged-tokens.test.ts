import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSigner } from 'fast-jwt';
import { buildApp } from '../../serving/app.ts';
import { OPERATOR_SECRET, startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Finding 1 of the security review, as it was reproduced: a token signed by anyone who knows the secret, naming
 * an analyst's key as its subject and claiming `role: admin`, listed all keys, created an admin key and lowered
 * the default guardrail's margin. Tokens without `exp` were accepted, and the API started with the compose file's
 * published example secret.
 */
/** Signs exactly the claims given (fast-jwt adds `iat` unless told not to, and keeps one that is given). */
const sign = (payload: Record<string, unknown>, secret = OPERATOR_SECRET) => createSigner({ key: secret, algorithm: 'HS256', noTimestamp: !('iat' in payload) })(payload);
const now = () => Math.floor(Date.now() / 1000);

describe('forged bearer tokens', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('tokens');
  });
  after(async () => api?.close());

  it('take the role of the key they name, never the role they claim', async () => {
    const forged = sign({ sub: `key:${api.keyIds.analyst}`, role: 'admin', name: 'attacker', iat: now(), exp: now() + 600 });
    const keys = await api.http.call('GET', '/v1/admin/keys', { token: forged });
    assert.equal(keys.status, 403, `listing keys: ${keys.text}`);
    assert.match(keys.body.message, /role analyst may not call/);
    const created = await api.http.call('POST', '/v1/admin/keys', { token: forged, body: { name: 'backdoor', role: 'admin' } });
    assert.equal(created.status, 403);
    const guardrail = await api.http.call('PUT', '/v1/guardrails', { token: forged, body: { destinationId: null, serviceLevel: null, minMargin: 0.01, reason: 'pwned' } });
    assert.equal(guardrail.status, 403);
    const { rows } = await api.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM api_keys WHERE name = 'backdoor'");
    assert.equal(rows[0].n, 0, 'no key was created');
    // The same token is what it says it is as far as the analyst's own rights go.
    assert.equal((await api.http.call('GET', '/v1/destinations', { token: forged })).status, 200);
  });

  it('refuse a token without an expiry, without an issue time, or living longer than the server allows', async () => {
    const subject = `key:${api.keyIds.admin}`;
    const noExp = await api.http.call('GET', '/v1/admin/keys', { token: sign({ sub: subject, iat: now() }) });
    assert.equal(noExp.status, 401);
    assert.match(noExp.body.message, /no expiry/);
    assert.equal((await api.http.call('GET', '/v1/admin/keys', { token: sign({ sub: subject, exp: now() + 60 }) })).status, 401, 'no iat');
    const forever = await api.http.call('GET', '/v1/admin/keys', { token: sign({ sub: subject, iat: now(), exp: now() + 10 * 365 * 86_400 }) });
    assert.equal(forever.status, 401);
    assert.match(forever.body.message, /lives longer than this server allows/);
    const issued = await api.http.call('POST', '/v1/auth/token', { key: api.keys.admin, body: { ttlSeconds: 300 } });
    assert.equal((await api.http.call('GET', '/v1/admin/keys', { token: issued.body.token })).status, 200, 'a token the server issued works');
    const claims = JSON.parse(Buffer.from(String(issued.body.token).split('.')[1], 'base64url').toString());
    assert.deepEqual(Object.keys(claims).sort(), ['exp', 'iat', 'sub'], 'tokens carry no role to be believed');
  });

  it('stop working the moment the key they name loses its role (revoked)', async () => {
    const created = await api.http.call('POST', '/v1/admin/keys', { key: api.keys.admin, body: { name: 'short-lived', role: 'pricing-manager' } });
    const token = (await api.http.call('POST', '/v1/auth/token', { key: created.body.key })).body.token;
    assert.equal((await api.http.call('GET', '/v1/review/me', { token })).status, 200);
    await api.http.call('DELETE', `/v1/admin/keys/${created.body.id}`, { key: api.keys.admin });
    assert.equal((await api.http.call('GET', '/v1/review/me', { token })).status, 401);
  });
});

describe('the token secret', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('secrets');
  });
  after(async () => api?.close());

  for (const [why, secret] of [
    ['the compose file’s old example', 'change-me-shared-by-every-api-replica'],
    ['shorter than 32 bytes', 'x7Gq2LmP9vR4tW1z'],
    ['repeating one character', 'a'.repeat(64)],
  ] as const) {
    it(`refuses to start with a secret ${why}`, async () => {
      await assert.rejects(buildApp({ ...api.deps, settings: { ...api.deps.settings, jwtSecret: secret } }), (err: Error & { field?: string }) => {
        assert.equal(err.field, 'JWT_SECRET');
        assert.doesNotMatch(err.message, new RegExp(secret.slice(0, 12)), 'the message does not repeat the secret');
        return true;
      });
    });
  }

  it('refuses to start on a database server without JWT_SECRET (replicas could not agree on one)', async () => {
    const config = { ...api.deps.config, databaseUrl: 'postgres://spirit@db.internal:5432/spirit' };
    await assert.rejects(buildApp({ ...api.deps, config, settings: { ...api.deps.settings, jwtSecret: undefined } }), /JWT_SECRET is required/);
  });
});
