import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Finding 4, as reproduced: `destinationId` ≥ 2^31 on POST /v1/guardrails/remove and PUT
 * /v1/review/auto-accept-bands (PostgreSQL integer out of range) and `decidedBy=%00` on GET /v1/review/decisions
 * (invalid byte 0x00) answered 500. Each is a 400 naming the field now, as is any NUL or invalid UTF-8.
 */
describe('hostile input the stores cannot hold', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('input');
  });
  after(async () => api?.close());

  const expect400 = async (response: Promise<{ status: number; body: any; text: string }>, field: string) => {
    const answer = await response;
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.body.field, field, answer.text);
    assert.equal(typeof answer.body.message, 'string');
  };

  it('refuses ids past their column’s range, naming the field', async () => {
    const key = api.keys.admin;
    await expect400(api.http.call('POST', '/v1/guardrails/remove', { key, body: { destinationId: 2 ** 31, serviceLevel: null, reason: 'x' } }), 'destinationId');
    await expect400(api.http.call('PUT', '/v1/review/auto-accept-bands', { key, body: { destinationId: 2 ** 31, serviceLevel: null, maxChangePct: 3 } }), 'destinationId');
    await expect400(api.http.call('POST', '/v1/prices/suggest', { key, body: { quotation: { itineraryId: 2 ** 31, departureDate: '2027-05-01', partySize: 2, cost: 1000 } } }), 'quotation.itineraryId');
    await expect400(api.http.call('GET', `/v1/itineraries/${2 ** 31}/similar`, { key }), 'id');
    await expect400(api.http.call('GET', `/v1/customers/${2 ** 53 + 2}/segment`, { key }), 'id');
    // A leap second passes the date-time format but is no date JavaScript can read: it reached PostgreSQL as NaN (500).
    await expect400(api.http.call('GET', '/v1/admin/audit?since=2026-06-30T23:59:60Z', { key }), 'since');
    // The largest id that fits is looked up, not refused.
    const fits = await api.http.call('POST', '/v1/guardrails/remove', { key, body: { destinationId: 2 ** 31 - 1, serviceLevel: null, reason: 'x' } });
    assert.equal(fits.status, 404, fits.text);
  });

  it('refuses NUL and invalid UTF-8 anywhere, naming the field', async () => {
    const key = api.keys['pricing-manager'];
    await expect400(api.http.call('GET', '/v1/review/decisions?decidedBy=%00', { key }), 'decidedBy');
    await expect400(api.http.call('GET', '/v1/review/decisions?decidedBy=%FF%FE', { key }), 'decidedBy');
    await expect400(api.http.call('GET', '/v1/review/decisions?decidedBy=%ED%A0%80', { key }), 'decidedBy');
    await expect400(api.http.call('PUT', '/v1/guardrails', { key, body: { destinationId: null, serviceLevel: null, minMargin: 0.1, reason: 'nul\u0000byte' } }), 'reason');
    await expect400(api.http.call('POST', '/v1/review/locks', { key, rawBody: '{"quotationId":1,"reason":"lone \\ud800 surrogate"}', headers: { 'content-type': 'application/json' } }), 'reason');
    const invalidBytes = Buffer.concat([Buffer.from('{"quotationId":1,"reason":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const refused = await fetch(`${api.http.base}/v1/review/locks`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: invalidBytes });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { field: string }).field, 'body');
    // Text that merely looks odd is fine: accents, emoji, quotes.
    const fine = await api.http.call('PUT', '/v1/guardrails', { key, body: { destinationId: null, serviceLevel: null, minMargin: 0.1, reason: 'Año nuevo en Cañón del Colca 🚀 "ok"' } });
    assert.equal(fine.status, 200, fine.text);
  });

  it('answers malformed JSON with a documented code', async () => {
    const answer = await api.http.call('POST', '/v1/prices/suggest', { key: api.keys.admin, rawBody: '{"quotation": ', headers: { 'content-type': 'application/json' } });
    assert.equal(answer.status, 400);
    assert.deepEqual([answer.body.code, answer.body.field], ['invalid_json', 'body']);
    const huge = await fetch(`${api.http.base}/v1/customers/1/segment?x=${'a'.repeat(20_000)}`, { headers: { 'x-api-key': api.keys.admin } });
    assert.equal(huge.status, 431);
    assert.equal(((await huge.json()) as { code: string }).code, 'request_too_large');
  });
});
