import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readAudit } from '../../platform/audit-log.ts';
import { startAttackedApi, type AttackedApi } from './attacked-api.ts';

/**
 * Finding 7, as reproduced: decisions were audited, but key creation and revocation, guardrail and band changes,
 * promotions and rollbacks were not all in one place. Now one append-only log holds every write, with who, role,
 * what, before/after, when and request id; admins read it through the API.
 */
describe('the audit log', () => {
  let api: AttackedApi;
  before(async () => {
    api = await startAttackedApi('audit');
  });
  after(async () => api?.close());

  it('records every write through the API with who, role, before, after and request id', async () => {
    const admin = api.keys.admin;
    const manager = api.keys['pricing-manager'];
    const created = await api.http.call('POST', '/v1/admin/keys', { key: admin, body: { name: 'audited key', role: 'analyst' }, headers: { 'x-request-id': 'req-audit-1' } });
    assert.equal(created.status, 201);
    await api.http.call('DELETE', `/v1/admin/keys/${created.body.id}`, { key: admin });
    await api.http.call('PUT', '/v1/guardrails', { key: manager, body: { destinationId: null, serviceLevel: 'luxury', minMargin: 0.2, reason: 'luxury floor' } });
    await api.http.call('PUT', '/v1/guardrails', { key: manager, body: { destinationId: null, serviceLevel: 'luxury', minMargin: 0.25, reason: 'higher floor' } });
    await api.http.call('POST', '/v1/guardrails/remove', { key: manager, body: { destinationId: null, serviceLevel: 'luxury', reason: 'back to default' } });
    await api.http.call('PUT', '/v1/review/auto-accept-bands', { key: manager, body: { destinationId: null, serviceLevel: null, maxChangePct: 4 } });
    const reload = await api.http.call('POST', '/v1/admin/models/reload', { key: admin });
    assert.equal(reload.status, 200);

    const log = await api.http.call('GET', '/v1/admin/audit?limit=50', { key: admin });
    assert.equal(log.status, 200);
    const actions = (log.body.records as Array<{ action: string }>).map((r) => r.action);
    for (const action of ['api_key.create', 'api_key.revoke', 'guardrail.set', 'guardrail.remove', 'auto_accept_band.set', 'request.post']) assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);

    const keyCreation = log.body.records.find((r: { action: string; target: string }) => r.action === 'api_key.create' && r.target === `api_key:${created.body.id}`);
    // The id is ours, the one the response named: a caller cannot choose it (it was their X-Request-Id).
    assert.equal(keyCreation.requestId, created.headers.get('x-request-id'));
    assert.notEqual(keyCreation.requestId, 'req-audit-1');
    assert.equal(keyCreation.role, 'admin');
    assert.equal(keyCreation.actorKeyId, api.keyIds.admin);
    assert.equal(keyCreation.source, 'api');
    assert.equal(keyCreation.after.role, 'analyst');
    assert.equal(JSON.stringify(keyCreation).includes(created.body.key), false, 'the key itself is never in the log');

    const raised = (log.body.records as Array<{ action: string; before?: { minMargin: number }; after: { minMargin: number } }>).find((r) => r.action === 'guardrail.set' && r.after.minMargin === 0.25)!;
    assert.equal(raised.before?.minMargin, 0.2, 'the change shows what it replaced');
    const reloadRecord = log.body.records.find((r: { action: string }) => r.action === 'request.post');
    assert.equal(reloadRecord.target, '/v1/admin/models/reload');

    assert.equal((await api.http.call('GET', '/v1/admin/audit?action=guardrail', { key: admin })).body.records.length, 3);
    assert.equal((await api.http.call('GET', '/v1/admin/audit', { key: manager })).status, 403, 'only admins read it');
  });

  it("gives every write its own request id, which another caller cannot copy onto theirs", async () => {
    // An analyst sent the manager's request id with their own write: both audit rows carried it.
    const set = await api.http.call('PUT', '/v1/guardrails', { key: api.keys['pricing-manager'], body: { destinationId: null, serviceLevel: 'superior', minMargin: 0.15, reason: 'superior floor' } });
    assert.equal(set.status, 200, set.text);
    const managers = set.headers.get('x-request-id')!;
    const copied = await api.http.call('POST', '/v1/auth/token', { key: api.keys.analyst, headers: { 'x-request-id': managers } });
    assert.equal(copied.status, 200, copied.text);
    assert.notEqual(copied.headers.get('x-request-id'), managers);
    const records = (await readAudit(api.db.pool, { limit: 20 })).filter((r) => r.requestId === managers);
    assert.deepEqual(records.map((r) => r.action), ['guardrail.set'], 'one record under the manager’s id, theirs');
  });

  it('writes the record before the response, so a caller reading the log after its write finds it', async () => {
    // Hold back every insert into the log: the write's response must wait for its record.
    const blocker = await api.db.pool.connect();
    let responded = false;
    let reload: ReturnType<typeof api.http.call> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE');
      reload = api.http.call('POST', '/v1/admin/models/reload', { key: api.keys.admin });
      void reload.then(() => (responded = true), () => (responded = true));
      const waiting = async () => {
        const { rows } = await api.db.pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO audit_log%'`,
        );
        return Number(rows[0].n) > 0;
      };
      for (let tries = 0; !(await waiting()) && !responded && tries < 200; tries++) await new Promise((r) => setTimeout(r, 25));
      // Some time for a response that does not wait for its record to reach this process.
      await Promise.race([reload, new Promise((r) => setTimeout(r, 1000))]);
      assert.equal(responded, false, 'the response left before its audit record was written');
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      blocker.release();
    }
    assert.equal((await reload!).status, 200);
    const log = await api.http.call('GET', '/v1/admin/audit?action=request.post&limit=5', { key: api.keys.admin });
    assert.ok(log.body.records.some((r: { target: string }) => r.target === '/v1/admin/models/reload'));
  });

  it('cannot be changed or emptied, even with direct SQL', async () => {
    await assert.rejects(api.db.pool.query("UPDATE audit_log SET actor = 'someone else'"), /append-only/);
    await assert.rejects(api.db.pool.query('DELETE FROM audit_log'), /append-only/);
    await assert.rejects(api.db.pool.query('TRUNCATE audit_log'), /append-only/);
    assert.ok((await readAudit(api.db.pool, { limit: 1000 })).length >= 7);
  });
});
