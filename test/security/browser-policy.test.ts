import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadServingSettings } from '../../serving/settings.ts';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Finding 6, as reproduced: a browser's preflight got 404 (no CORS policy at all). Now: an allowlist
 * (CORS_ORIGINS, none by default), preflights answered, credentials never allowed, and every answer telling
 * browsers not to sniff, cache or frame it.
 */
const preflight = (api: AttackedApi, origin: string) =>
  fetch(`${api.http.base}/v1/prices/suggest`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-api-key, content-type' } });

describe('browsers calling the API', () => {
  let closed: AttackedApi;
  let open: AttackedApi;
  before(async () => {
    closed = await startAttackedApi('cors_none');
    open = await startAttackedApi('cors_list', { settings: { corsOrigins: ['https://quotes.spirit-tours.example'] } });
  });
  after(async () => {
    await closed?.close();
    await open?.close();
  });

  it('answers every preflight, allowing only listed origins', async () => {
    const none = await preflight(closed, 'https://quotes.spirit-tours.example');
    assert.equal(none.status, 204);
    assert.equal(none.headers.get('access-control-allow-origin'), null, 'no origin is allowed by default');
    const listed = await preflight(open, 'https://quotes.spirit-tours.example');
    assert.equal(listed.status, 204);
    assert.equal(listed.headers.get('access-control-allow-origin'), 'https://quotes.spirit-tours.example');
    assert.match(listed.headers.get('access-control-allow-headers') ?? '', /x-api-key/);
    assert.equal(listed.headers.get('access-control-allow-credentials'), null, 'credentials travel in headers, never cookies');
    const other = await preflight(open, 'https://evil.example');
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const call = await fetch(`${open.http.base}/v1/destinations`, { headers: { origin: 'https://quotes.spirit-tours.example', 'x-api-key': open.keys.analyst } });
    assert.equal(call.headers.get('access-control-allow-origin'), 'https://quotes.spirit-tours.example');
    assert.match(call.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
  });

  it('sends answers browsers must not sniff, cache or frame', async () => {
    const answer = await fetch(`${closed.http.base}/v1/destinations`, { headers: { 'x-api-key': closed.keys.analyst } });
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(answer.headers.get('cache-control'), 'no-store');
    assert.equal(answer.headers.get('x-frame-options'), 'DENY');
  });

  it('reads CORS_ORIGINS strictly: * alone never with credentials, origins without paths', () => {
    assert.deepEqual(loadServingSettings({ CORS_ORIGINS: '*' }).corsOrigins, ['*']);
    assert.deepEqual(loadServingSettings({}).corsOrigins, []);
    assert.throws(() => loadServingSettings({ CORS_ORIGINS: '*, https://a.example' }), /either \* alone/);
    assert.throws(() => loadServingSettings({ CORS_ORIGINS: 'https://a.example/' }), (err: Error & { field?: string }) => err.field === 'CORS_ORIGINS');
    assert.throws(() => loadServingSettings({ CORS_ORIGINS: 'quotes.example' }), /origins such as/);
  });
});
