import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { migrate } from '../migrate.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';
import type { ScoringClient } from '../quotations/scoring-client.ts';
import { quotationWithSuggestion } from '../../test/support/suggestion-fixture.ts';
import { ModelRegistry } from '../../models/registry/model-registry.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import type { ClickHouseClient } from '@clickhouse/client';
import { freshDatabase, postgresTargets, quietLog, tempDir, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { buildApp } from '../../serving/app.ts';
import { createApiKey } from '../../serving/auth/api-keys.ts';
import type { Role } from '../../platform/http/roles.ts';
import { listen, type HttpClient } from '../../test/support/http-client.ts';
import { reviewPage } from './review-page.ts';
import { reviewDesk } from './review-routes.ts';

/** The review desk through real HTTP, with the API's own authentication, error handling and docs. */
const targets = await postgresTargets();

for (const target of targets) {
  describe(`review desk routes on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let app: FastifyInstance;
    let http: HttpClient;
    let catalogue: SampleCatalogue;
    let scorer: ScoringClient;
    let clickhouse: ClickHouseClient;
    const keys = {} as Record<Role, string>;
    const cusco = () => ({ itineraryId: catalogue.itineraries.machuPicchu, customerId: catalogue.customers.english, departureDate: catalogue.departureDates.machuPicchu });
    const puno = () => ({ itineraryId: catalogue.itineraries.titicaca, customerId: catalogue.customers.german, departureDate: catalogue.departureDates.titicaca });
    const state = async (id: number) => (await db.pool.query('SELECT state::text AS s FROM price_suggestions WHERE id = $1', [id])).rows[0].s;
    const decisions = async () => (await db.pool.query('SELECT count(*)::int AS n FROM suggestion_decisions')).rows[0].n;

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'review_http');
      await migrate(db.pool, quietLog);
      catalogue = await seedSampleCatalogue(db.pool);
      scorer = await unreachableScorer();
      clickhouse = (await testClickHouse()).client;
      await useClickHouseDatabase(clickhouse, `review_http_${target.name}`);
      await migrateWarehouse(clickhouse, quietLog);
      app = await buildApp({
        config: testConfig(),
        log: quietLog,
        pg: db.pool,
        clickhouse,
        registry: ModelRegistry.open(pathToFileURL(tempDir('registry')).href),
        settings: { modelPollMs: 0 },
        plugins: [reviewDesk({ pool: db.pool, clickhouse }), reviewPage()],
      });
      http = await listen(app);
      for (const role of ['quotation-engine', 'pricing-manager', 'analyst', 'admin'] as const) keys[role] = (await createApiKey(db.pool, { name: `${role} person`, role })).key;
    });
    after(async () => {
      await app?.close();
      await db?.drop();
    });

    it('lets only pricing managers and admins in', async () => {
      const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const routes: Array<[string, string, unknown?]> = [
        ['GET', '/v1/review/me'],
        ['GET', '/v1/review/suggestions'],
        ['GET', `/v1/review/suggestions/${suggestion.id}`],
        ['POST', `/v1/review/suggestions/${suggestion.id}/decision`, { action: 'accept' }],
        ['GET', '/v1/review/decisions'],
        ['GET', '/v1/review/locks'],
        ['POST', '/v1/review/locks', { quotationId: 1, reason: 'x' }],
        ['GET', '/v1/review/auto-accept-bands'],
        ['PUT', '/v1/review/auto-accept-bands', { destinationId: null, serviceLevel: null, maxChangePct: 1 }],
        ['GET', '/v1/suggestions/acceptance'],
      ];
      for (const [method, path, body] of routes) {
        assert.equal((await http.call(method, path, { body })).status, 401, `${method} ${path} without a key`);
        for (const role of ['quotation-engine', 'analyst'] as const) {
          const refused = await http.call(method, path, { key: keys[role], body });
          assert.equal(refused.status, 403, `${method} ${path} as ${role}`);
          assert.equal(refused.body.code, 'forbidden');
        }
      }
      assert.equal(await state(suggestion.id), 'pending', 'refused calls decided nothing');
      const me = await http.call('GET', '/v1/review/me', { key: keys['pricing-manager'] });
      assert.deepEqual(me.body, { name: 'pricing-manager person', role: 'pricing-manager' });
      assert.equal((await http.call('GET', '/v1/review/suggestions', { key: keys.admin })).status, 200);
    });

    it('serves the page without a key, under a strict content security policy', async () => {
      const page = await http.call('GET', '/review');
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type')!, /text\/html/);
      assert.match(page.headers.get('content-security-policy')!, /script-src 'self'/);
      assert.match(page.text, /<script type="module" src="\/review\/review.js">/);
      assert.equal((await http.call('GET', '/review/review.js')).status, 200);
      assert.equal((await http.call('GET', '/review/review.css')).status, 200);
    });

    it('filters the queue and names the field of a bad filter', async () => {
      await quotationWithSuggestion(db.pool, scorer, { ...puno(), ratio: 1.3 });
      const key = keys['pricing-manager'];
      const all = await http.call('GET', '/v1/review/suggestions', { key });
      assert.equal(all.status, 200, all.text);
      const inPuno = await http.call('GET', '/v1/review/suggestions?destination=puno', { key });
      assert.ok(inPuno.body.total >= 1 && inPuno.body.items.every((i: { destination: { code: string } }) => i.destination.code === 'puno'));
      const big = await http.call('GET', '/v1/review/suggestions?minChangePct=20', { key });
      assert.ok(big.body.items.every((i: { changePct: number }) => Math.abs(i.changePct) >= 20));
      assert.ok(big.body.total < all.body.total);
      const window = await http.call('GET', `/v1/review/suggestions?departureFrom=${catalogue.departureDates.machuPicchu}&departureTo=${catalogue.departureDates.machuPicchu}`, { key });
      assert.ok(window.body.items.every((i: { departureDate: string }) => i.departureDate === catalogue.departureDates.machuPicchu));
      for (const [query, field] of [['minChangePct=-1', 'minChangePct'], ['departureFrom=2031-13-01', 'departureFrom'], ['departureFrom=0000-01-01', 'departureFrom'], ['state=lost', 'state'], ['limit=1000', 'limit'], ['colour=red', 'colour']]) {
        const bad = await http.call('GET', `/v1/review/suggestions?${query}`, { key });
        assert.equal(bad.status, 400, query);
        assert.equal(bad.body.field, field, `${query}: ${bad.text}`);
      }
      // Each date is fine alone; together they leave no day (this answered 200 with nothing, as if none were pending).
      const reversed = await http.call('GET', '/v1/review/suggestions?departureFrom=2031-02-01&departureTo=2031-01-01', { key });
      assert.equal(reversed.status, 400, reversed.text);
      assert.equal(reversed.body.field, 'departureFrom');
      assert.match(reversed.body.message, /departureFrom \(2031-02-01\) is after departureTo \(2031-01-01\)/);
    });

    it('shows one suggestion with its reasons; an unknown one is a 404', async () => {
      const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.2, guardrail: 'max_change' });
      const detail = await http.call('GET', `/v1/review/suggestions/${suggestion.id}`, { key: keys['pricing-manager'] });
      assert.equal(detail.status, 200, detail.text);
      assert.equal(detail.body.guardrail, 'max_change');
      assert.deepEqual([detail.body.guardrails.version, detail.body.guardrails.ruleId, detail.body.guardrails.maxChangeVsList], [1, 1, 0.25], 'the rule it was held to');
      assert.ok(detail.body.guardrails.floor > detail.body.costTotal && detail.body.guardrails.listBand.hi > detail.body.currentPrice);
      assert.ok(detail.body.unclampedPrice > detail.body.suggestedPrice);
      assert.equal(detail.body.reasonCodes.length, 2);
      assert.equal(typeof detail.body.contributions.departure_month, 'number');
      assert.equal(detail.body.decision, null);
      assert.equal((await http.call('GET', '/v1/review/suggestions/999999', { key: keys['pricing-manager'] })).status, 404);
      const bad = await http.call('GET', '/v1/review/suggestions/abc', { key: keys['pricing-manager'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'id');
    });

    it('records decisions, refusing bad ones with the field at fault and changing nothing', async () => {
      const key = keys['pricing-manager'];
      const { suggestion, quotationId, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.15 });
      const path = `/v1/review/suggestions/${suggestion.id}/decision`;
      const before = await decisions();
      // Above what the model suggested, below what would need confirming (the list price band's high end, 1.25 × list).
      const agreed = Math.round(currentPrice * 120) / 100;
      const refusals: Array<[unknown, string]> = [
        [{ action: 'override', price: 2000 }, 'reason'],
        [{ action: 'override', price: -5, reason: 'cheaper' }, 'price'],
        [{ action: 'override', price: 'a lot', reason: 'x' }, 'price'],
        [{ action: 'reject' }, 'reason'],
        [{ action: 'approve' }, 'action'],
        [{ action: 'accept', note: 'hi' }, 'note'],
      ];
      for (const [body, field] of refusals) {
        const refused = await http.call('POST', path, { key, body });
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.equal(refused.body.field, field, `${JSON.stringify(body)}: ${refused.text}`);
      }
      assert.equal(await decisions(), before);
      assert.equal(await state(suggestion.id), 'pending');

      const override = await http.call('POST', path, { key, body: { action: 'override', price: agreed, reason: 'agreed with the agency' } });
      assert.equal(override.status, 201, override.text);
      assert.equal(override.body.decidedPrice, agreed);
      assert.match(override.body.decidedBy, /^pricing-manager person \(api-key \d+\)$/);
      const price = await db.pool.query('SELECT price_total::float8 AS p FROM quotations WHERE id = $1', [quotationId]);
      assert.equal(price.rows[0].p, agreed);

      const again = await http.call('POST', path, { key: keys.admin, body: { action: 'accept' } });
      assert.equal(again.status, 409);
      assert.equal(again.body.code, 'already_decided');
      assert.equal((await http.call('POST', '/v1/review/suggestions/999999/decision', { key, body: { action: 'accept' } })).status, 404);
      assert.equal(await decisions(), before + 1);

      // A window or a range that ends before it starts: a 400 naming where it starts, not an empty answer.
      const reversed = await http.call('GET', '/v1/review/decisions?from=2026-12-09T00:00:00Z&to=2026-12-01T00:00:00Z', { key });
      assert.deepEqual([reversed.status, reversed.body.field], [400, 'from'], reversed.text);
      const reversedChange = await http.call('GET', '/v1/review/suggestions?minChangePct=20&maxChangePct=5', { key });
      assert.deepEqual([reversedChange.status, reversedChange.body.field], [400, 'minChangePct'], reversedChange.text);
      // PostgreSQL has no year 0: refused before it reaches the database, naming the field.
      for (const field of ['from', 'to']) {
        const yearZero = await http.call('GET', `/v1/review/decisions?${field}=0000-06-01T00:00:00Z`, { key });
        assert.equal(yearZero.status, 400, yearZero.text);
        assert.equal(yearZero.body.field, field);
      }
      const log = await http.call('GET', '/v1/review/decisions?limit=5', { key });
      assert.equal(log.body[0].suggestionId, suggestion.id);
      assert.equal(log.body[0].reason, 'agreed with the agency');
    });

    it('refuses an override under the floor or under cost until it is confirmed, then records it as such; never rounds a price', async () => {
      const key = keys['pricing-manager'];
      const { suggestion, quotationId } = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const path = `/v1/review/suggestions/${suggestion.id}/decision`;
      const detail = (await http.call('GET', `/v1/review/suggestions/${suggestion.id}`, { key })).body;
      const floor = detail.guardrails.floor;
      const before = await decisions();
      const refusals: Array<[Record<string, unknown>, number, string, string]> = [
        [{ action: 'override', price: 100, reason: 'typo' }, 400, 'price', 'below_cost'],
        [{ action: 'override', price: Math.round((detail.costTotal + floor) * 50) / 100, reason: 'friend' }, 400, 'price', 'below_floor'],
        [{ action: 'override', price: 100, reason: 'typo', confirmBelowFloor: 'yes' }, 400, 'confirmBelowFloor', 'invalid_input'],
        [{ action: 'accept', confirmBelowFloor: true }, 400, 'confirmBelowFloor', 'invalid_input'],
        [{ action: 'override', price: floor + 10.345, reason: 'three decimals' }, 400, 'price', 'invalid_input'],
        // 2150,50 typed where the browser drops the comma: a hundred times the price.
        [{ action: 'override', price: Math.round(detail.suggestedPrice * 100), reason: 'comma' }, 400, 'price', 'above_ceiling'],
        [{ action: 'override', price: Math.round(detail.highestExpectedPrice) + 1, reason: 'just above' }, 400, 'price', 'above_ceiling'],
        [{ action: 'override', price: floor + 1, reason: 'x', confirmAboveCeiling: 1 }, 400, 'confirmAboveCeiling', 'invalid_input'],
        [{ action: 'reject', reason: 'x', confirmAboveCeiling: true }, 400, 'confirmAboveCeiling', 'invalid_input'],
      ];
      assert.ok(detail.highestExpectedPrice > detail.suggestedPrice && detail.highestExpectedPrice <= Math.round(150 * Math.max(detail.suggestedPrice, detail.currentPrice)) / 100);
      for (const [body, status, field, code] of refusals) {
        const refused = await http.call('POST', path, { key, body });
        assert.equal(refused.status, status, `${JSON.stringify(body)}: ${refused.text}`);
        assert.deepEqual([refused.body.field, refused.body.code], [field, code], `${JSON.stringify(body)}: ${refused.text}`);
      }
      const belowCost = await http.call('POST', path, { key, body: { action: 'override', price: 100, reason: 'typo' } });
      assert.match(belowCost.body.message, /below our cost of USD [\d.]+; .*confirmBelowFloor/);
      assert.equal(await decisions(), before, 'nothing recorded');
      assert.equal(await state(suggestion.id), 'pending');

      const confirmed = await http.call('POST', path, { key, body: { action: 'override', price: 100, reason: 'staff trip, approved by the director', confirmBelowFloor: true } });
      assert.equal(confirmed.status, 201, confirmed.text);
      assert.equal(confirmed.body.belowGuardrail, 'cost');
      assert.equal(confirmed.body.decidedPrice, 100);
      const history = await db.pool.query('SELECT change_reason FROM quotation_versions WHERE quotation_id = $1 ORDER BY version DESC LIMIT 1', [quotationId]);
      assert.match(history.rows[0].change_reason, /below the cost, confirmed: staff trip/);
      const log = await http.call('GET', '/v1/review/decisions?limit=20', { key });
      const logged = log.body.find((d: { suggestionId: number }) => d.suggestionId === suggestion.id);
      assert.equal(logged.belowGuardrail, 'cost', 'the decision log shows it');

      // Between cost and floor, confirmed: recorded as below the floor. Above the floor: nothing to confirm.
      const second = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const between = Math.round((detail.costTotal + floor) * 50) / 100;
      const underFloor = await http.call('POST', `/v1/review/suggestions/${second.suggestion.id}/decision`, { key, body: { action: 'override', price: between, reason: 'loyal agency', confirmBelowFloor: true } });
      assert.equal(underFloor.status, 201, underFloor.text);
      assert.equal(underFloor.body.belowGuardrail, 'floor');
      const third = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const fine = await http.call('POST', `/v1/review/suggestions/${third.suggestion.id}/decision`, { key, body: { action: 'override', price: floor + 1, reason: 'round number' } });
      assert.equal(fine.status, 201, fine.text);
      assert.equal(fine.body.belowGuardrail, null);
      // Far above, confirmed: charged, and the version says it was confirmed.
      const fourth = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const high = Math.round(detail.suggestedPrice * 3);
      const above = await http.call('POST', `/v1/review/suggestions/${fourth.suggestion.id}/decision`, { key, body: { action: 'override', price: high, reason: 'private charter', confirmAboveCeiling: true } });
      assert.equal(above.status, 201, above.text);
      assert.equal(above.body.decidedPrice, high);
      const charter = await db.pool.query('SELECT change_reason FROM quotation_versions WHERE quotation_id = $1 ORDER BY version DESC LIMIT 1', [fourth.quotationId]);
      assert.match(charter.rows[0].change_reason, /above the list price band, confirmed: private charter/);
      // The confirmed breach stays on the decision, as one below the floor does (it was only in the change reason).
      assert.equal(above.body.aboveGuardrail, 'list_band');

      // The list price band binds an override too: just above its high end (under 1.5 times the prices), it was
      // taken with a 201 and no word. Refused until confirmed, then recorded.
      const fifth = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1 });
      const fifthPath = `/v1/review/suggestions/${fifth.suggestion.id}/decision`;
      const fifthDetail = (await http.call('GET', `/v1/review/suggestions/${fifth.suggestion.id}`, { key })).body;
      const overBand = Math.round(fifthDetail.guardrails.listBand.hi * 100 + 100) / 100;
      assert.ok(overBand < 1.5 * Math.max(fifthDetail.suggestedPrice, fifthDetail.currentPrice), 'within what was expected before');
      assert.equal(fifthDetail.highestExpectedPrice, fifthDetail.guardrails.listBand.hi, 'the page is told the band is the limit');
      assert.equal(fifthDetail.lowestRulePrice, Math.max(fifthDetail.guardrails.floor, fifthDetail.guardrails.listBand.lo), 'and the lowest price the rule sets');
      const outside = await http.call('POST', fifthPath, { key, body: { action: 'override', price: overBand, reason: 'peak week' } });
      assert.deepEqual([outside.status, outside.body.code, outside.body.field], [400, 'above_ceiling', 'price'], outside.text);
      assert.match(outside.body.message, /highest price the guardrail rule sets, USD [\d.]+ \(the list price band's high end\)/);
      assert.equal(await state(fifth.suggestion.id), 'pending');
      const confirmedOutside = await http.call('POST', fifthPath, { key, body: { action: 'override', price: overBand, reason: 'peak week', confirmAboveCeiling: true } });
      assert.equal(confirmedOutside.status, 201, confirmedOutside.text);
      assert.deepEqual([confirmedOutside.body.belowGuardrail, confirmedOutside.body.aboveGuardrail], [null, 'list_band']);
      const loggedOutside = (await http.call('GET', '/v1/review/decisions?limit=20', { key })).body.find((d: { suggestionId: number }) => d.suggestionId === fifth.suggestion.id);
      assert.equal(loggedOutside.aboveGuardrail, 'list_band', 'the decision log shows it');
    });

    it('locks and releases prices, and sets auto-accept bands', async () => {
      const key = keys['pricing-manager'];
      const { suggestion, quotationId } = await quotationWithSuggestion(db.pool, scorer, { ...puno(), ratio: 1.05 });
      const lock = await http.call('POST', '/v1/review/locks', { key, body: { quotationId, reason: 'promised to the school' } });
      assert.equal(lock.status, 201, lock.text);
      assert.equal((await http.call('POST', '/v1/review/locks', { key, body: { quotationId, reason: 'again' } })).body.code, 'already_locked');
      const queued = await http.call('GET', '/v1/review/suggestions?destination=puno', { key });
      assert.equal(queued.body.items.find((i: { id: number }) => i.id === suggestion.id).locked, true);
      const locked = await http.call('POST', `/v1/review/suggestions/${suggestion.id}/decision`, { key, body: { action: 'accept' } });
      assert.equal(locked.status, 409);
      assert.equal(locked.body.code, 'price_locked');
      assert.equal((await http.call('POST', `/v1/review/locks/${lock.body.id}/release`, { key })).status, 200);
      assert.equal((await http.call('POST', `/v1/review/locks/${lock.body.id}/release`, { key })).status, 409);
      assert.equal((await http.call('POST', `/v1/review/suggestions/${suggestion.id}/decision`, { key, body: { action: 'accept' } })).status, 201);
      assert.equal((await http.call('POST', '/v1/review/locks', { key, body: { reason: 'nothing named' } })).status, 400);

      const band = await http.call('PUT', '/v1/review/auto-accept-bands', { key, body: { destinationId: catalogue.destinations.puno, serviceLevel: 'standard', maxChangePct: 4 } });
      assert.equal(band.status, 200, band.text);
      const auto = await quotationWithSuggestion(db.pool, scorer, { ...puno(), ratio: 1.03 });
      assert.equal(auto.suggestion.state, 'auto_accepted');
      const tooWide = await http.call('PUT', '/v1/review/auto-accept-bands', { key, body: { destinationId: null, serviceLevel: null, maxChangePct: 80 } });
      assert.equal(tooWide.status, 400);
      assert.equal(tooWide.body.field, 'maxChangePct');
    });

    it('serves acceptance per model version and per manager from what the ingest copied, and names a bad date', async () => {
      const managerKey = keys['pricing-manager'];
      const other = (await createApiKey(db.pool, { name: 'Lucho', role: 'admin' })).key;
      const read = async (query = '') => {
        const answer = await http.call('GET', `/v1/suggestions/acceptance${query}`, { key: managerKey });
        assert.equal(answer.status, 200, JSON.stringify(answer.body));
        return answer.body;
      };
      // What earlier tests decided, plus two decisions of a second model version by two people.
      const v9a = await quotationWithSuggestion(db.pool, scorer, { ...cusco(), ratio: 1.1, modelVersion: 'price-000009' });
      const v9b = await quotationWithSuggestion(db.pool, scorer, { ...puno(), ratio: 1.2, modelVersion: 'price-000009' });
      assert.equal((await http.call('POST', `/v1/review/suggestions/${v9a.suggestion.id}/decision`, { key: managerKey, body: { action: 'accept' } })).status, 201);
      const overridden = Math.round(Math.round(v9b.currentPrice * 1.2 * 100) / 100 * 0.9 * 100) / 100;
      assert.equal((await http.call('POST', `/v1/review/suggestions/${v9b.suggestion.id}/decision`, { key: other, body: { action: 'override', price: overridden, reason: 'partner rate' } })).status, 201);

      const before = await read();
      assert.equal(before.byModelVersion.find((r: { modelVersion: string }) => r.modelVersion === 'price-000009'), undefined, 'nothing counted before the ingest copies it');

      await ingest(db.pool, clickhouse, { log: quietLog, tables: ['suggestion_decisions'] });
      const { rows } = await db.pool.query<{ model_version: string; decided_by: string; action: string; n: number }>(
        `SELECT model_version, decided_by, action, count(*)::int AS n FROM suggestion_decisions GROUP BY 1, 2, 3`,
      );
      const answer = await read();
      const v9 = answer.byModelVersion.find((r: { modelVersion: string }) => r.modelVersion === 'price-000009');
      assert.deepEqual(
        { decisions: v9.decisions, accepted: v9.accepted, overridden: v9.overridden, rejected: v9.rejected, acceptanceRate: v9.acceptanceRate },
        { decisions: 2, accepted: 1, overridden: 1, rejected: 0, acceptanceRate: 0.5 },
      );
      assert.ok(Math.abs(v9.avgOverride - -0.1) < 1e-3, `Lucho priced 10% under the model: ${v9.avgOverride}`);
      // Every decision in PostgreSQL is counted once, per model version and per manager alike.
      const total = rows.reduce((s, r) => s + r.n, 0);
      assert.equal(answer.byModelVersion.reduce((s: number, r: { decisions: number }) => s + r.decisions, 0), total);
      assert.equal(answer.byManager.reduce((s: number, r: { decisions: number }) => s + r.decisions, 0), total);
      for (const manager of new Set(rows.map((r) => r.decided_by))) {
        const mine = rows.filter((r) => r.decided_by === manager);
        const accepted = mine.filter((r) => r.action === 'accept' || r.action === 'auto_accept').reduce((s, r) => s + r.n, 0);
        const decided = mine.reduce((s, r) => s + r.n, 0);
        const row = answer.byManager.find((r: { decidedBy: string }) => r.decidedBy === manager);
        assert.equal(row.decisions, decided, manager);
        assert.equal(row.acceptanceRate, accepted / decided, manager);
      }
      assert.match(answer.decidedThrough, /^\d{4}-\d{2}-\d{2}T/);

      await ingest(db.pool, clickhouse, { log: quietLog, tables: ['suggestion_decisions'] });
      assert.deepEqual(await read(), answer, 'an ingest with nothing new changes nothing');
      const future = await read('?from=2999-01-01');
      assert.deepEqual([future.byModelVersion, future.byManager], [[], []]);
      const bad = await http.call('GET', '/v1/suggestions/acceptance?from=yesterday', { key: managerKey });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.field, 'from');
      const backwards = await http.call('GET', '/v1/suggestions/acceptance?from=2027-02-01&to=2027-01-01', { key: managerKey });
      assert.equal(backwards.status, 400);
      assert.equal(backwards.body.field, 'from');
    });

    it('documents its routes in the API’s OpenAPI document', async () => {
      const doc = await http.call('GET', '/docs/json');
      assert.equal(doc.status, 200);
      for (const path of ['/v1/review/suggestions', '/v1/review/suggestions/{id}/decision', '/v1/review/locks', '/v1/review/auto-accept-bands', '/v1/suggestions/acceptance']) assert.ok(doc.body.paths[path], path);
      assert.equal(doc.body.paths['/review'], undefined, 'the page is not an API route');
    });
  });
}
