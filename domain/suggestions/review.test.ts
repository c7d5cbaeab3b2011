import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../migrate.ts';
import { freshDatabase, postgresTargets, quietLog, type TestDatabase } from '../../test/support/services.ts';
import { readQuotation } from '../quotations/read-quotation.ts';
import { reviseQuotation } from '../quotations/revise-quotation.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';
import type { ScoringClient } from '../quotations/scoring-client.ts';
import { setBand } from './auto-accept-bands.ts';
import { decideSuggestion } from './decide-suggestion.ts';
import { lockPrice, releaseLock } from './price-locks.ts';
import { getSuggestion, listQueue } from './review-queue.ts';
import { quotationWithSuggestion, suggest } from '../../test/support/suggestion-fixture.ts';

const targets = await postgresTargets();
const manager = { name: 'Ana Quispe (api-key 3)', role: 'pricing-manager' };

for (const target of targets) {
  describe(`review of price suggestions on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let catalogue: SampleCatalogue;
    let scorer: ScoringClient;
    const mp = () => ({ itineraryId: catalogue.itineraries.machuPicchu, customerId: catalogue.customers.english, departureDate: catalogue.departureDates.machuPicchu });
    const tt = () => ({ itineraryId: catalogue.itineraries.titicaca, customerId: catalogue.customers.german, departureDate: catalogue.departureDates.titicaca });

    /** Everything a decision could touch, to prove a refused one touched nothing. */
    const snapshot = async (quotationId: number) => {
      const q = await db.pool.query('SELECT current_version, price_total::float8 AS price FROM quotations WHERE id = $1', [quotationId]);
      const counts = await db.pool.query(
        `SELECT (SELECT count(*) FROM suggestion_decisions) AS decisions, (SELECT count(*) FROM quotation_versions) AS versions,
                (SELECT count(*) FROM outbox_events) AS events, (SELECT string_agg(state::text, ',' ORDER BY id) FROM price_suggestions) AS states`,
      );
      return { ...q.rows[0], ...counts.rows[0] };
    };

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'review');
      await migrate(db.pool, quietLog);
      catalogue = await seedSampleCatalogue(db.pool);
      scorer = await unreachableScorer();
    });
    after(async () => db?.drop());

    it('waits for a person when no band applies, and the queue shows it with its demand and interval', async () => {
      const { quotationId, suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.08 });
      assert.equal(suggestion.state, 'pending');
      assert.match(suggestion.pendingBecause!, /no auto-accept band/);
      const queue = await listQueue(db.pool, { destination: 'cusco' });
      const item = queue.items.find((i) => i.id === suggestion.id)!;
      assert.equal(item.quotationId, quotationId);
      assert.equal(item.currentPrice, currentPrice);
      assert.equal(item.suggestedPrice, Math.round(currentPrice * 1.08 * 100) / 100);
      assert.equal(item.changePct, 8);
      assert.ok(item.lo80 < item.suggestedPrice && item.suggestedPrice < item.hi80);
      assert.equal(item.loadFactor, 0.82);
      assert.equal(item.pace, 1.15);
    });

    it('accepts by itself inside the most specific band, and never when a guardrail fired', async () => {
      await setBand(db.pool, { destinationId: null, serviceLevel: null, maxChangePct: 5, actor: { name: 'lead', role: 'pricing-manager' } });
      await setBand(db.pool, { destinationId: catalogue.destinations.cusco, serviceLevel: null, maxChangePct: 2, actor: { name: 'lead', role: 'pricing-manager' } });
      const cusco = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.03 });
      assert.equal(cusco.suggestion.state, 'pending', 'cusco has a 2% band');
      assert.match(cusco.suggestion.pendingBecause!, /outside the ±2% band/);
      const puno = await quotationWithSuggestion(db.pool, scorer, { ...tt(), ratio: 1.03 });
      assert.equal(puno.suggestion.state, 'auto_accepted', 'puno falls under the 5% default band');
      const decision = puno.suggestion.decision!;
      assert.equal(decision.action, 'auto_accept');
      assert.equal(decision.decidedBy, 'system:auto-accept');
      assert.equal(decision.decidedPrice, Math.round(puno.currentPrice * 1.03 * 100) / 100);
      const quotation = await readQuotation(db.pool, puno.quotationId);
      assert.equal(quotation.version, 2);
      assert.equal(quotation.priceTotal, decision.decidedPrice);
      assert.equal(quotation.history[1].priceSource, 'model');
      assert.equal(quotation.history[1].changedBy, 'system:auto-accept');
      const guarded = await quotationWithSuggestion(db.pool, scorer, { ...tt(), ratio: 1.01, guardrail: 'floor' });
      assert.equal(guarded.suggestion.state, 'pending');
      assert.match(guarded.suggestion.pendingBecause!, /floor guardrail/);
      const band = await db.pool.query('SELECT auto_accept_band_id FROM suggestion_decisions WHERE id = $1', [decision.id]);
      assert.notEqual(band.rows[0].auto_accept_band_id, null);
    });

    it('accept: a new version at the suggested price, an immutable audit record and an event', async () => {
      const { quotationId, suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.12, members: ['Ann', 'Bob'] });
      const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager });
      assert.equal(decision.action, 'accept');
      assert.equal(decision.decidedBy, manager.name);
      assert.equal(decision.decidedByRole, 'pricing-manager');
      assert.equal(decision.resultingVersion, 2);
      const quotation = await readQuotation(db.pool, quotationId);
      assert.equal(quotation.priceTotal, decision.suggestedPrice);
      assert.equal(quotation.history.at(-1)!.changedBy, manager.name);
      assert.equal(Math.round(quotation.members.reduce((s, m) => s + m.priceShare, 0) * 100), Math.round(quotation.priceTotal * 100), 'shares re-split');
      const audit = await db.pool.query('SELECT model_version, features, feature_snapshot_id, current_price::float8 AS current FROM suggestion_decisions WHERE id = $1', [decision.id]);
      assert.equal(audit.rows[0].model_version, 'price-000001');
      assert.equal(audit.rows[0].features.group_size, 2);
      assert.match(audit.rows[0].feature_snapshot_id, /^fs-/);
      const events = await db.pool.query(`SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY aggregate_seq`, [String(quotationId)]);
      assert.deepEqual(events.rows.map((e) => e.type), ['quotation.created', 'quotation.updated']);
      assert.equal(events.rows[1].payload.suggestionId, suggestion.id);
    });

    it('override: needs a reason and a positive price; then a version at the manager’s price', async () => {
      const { quotationId, suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.1 });
      // The partner's rate: above the suggestion, below what would need confirming (the list price band, 1.25 × list).
      const partnerRate = Math.round(currentPrice * 120 + 50) / 100;
      const before = await snapshot(quotationId);
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: 2500, actor: manager }), (e: Error & { field?: string }) => e.field === 'reason');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: 2500, reason: '   ', actor: manager }), (e: Error & { field?: string }) => e.field === 'reason');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: -10, reason: 'too low', actor: manager }), (e: Error & { field?: string }) => e.field === 'price' && /more than 0/.test(e.message));
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', reason: 'no price', actor: manager }), (e: Error & { field?: string }) => e.field === 'price');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', price: 10, actor: manager }), (e: Error & { field?: string }) => e.field === 'price');
      assert.deepEqual(await snapshot(quotationId), before, 'refused decisions change nothing');
      const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: partnerRate, reason: 'matched the partner rate', actor: manager });
      assert.equal(decision.decidedPrice, partnerRate);
      const quotation = await readQuotation(db.pool, quotationId);
      assert.equal(quotation.priceTotal, partnerRate);
      assert.equal(quotation.priceSource, 'override');
      assert.match(quotation.history.at(-1)!.changeReason!, /matched the partner rate/);
      assert.equal((await getSuggestion(db.pool, suggestion.id)).state, 'overridden');
    });

    it('a decision on a cost-plus quotation moves its price table as it moves the total', async () => {
      const table = async (quotationId: number, version: number) =>
        (await db.pool.query(`SELECT price_per_pax::float8 AS price, price_source AS source FROM quotation_price_tables WHERE quotation_id = $1 AND version = $2 ORDER BY min_pax`, [quotationId, version])).rows;
      const { quotationId, suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.08 });
      const before = await table(quotationId, 1);
      assert.ok(before.length >= 2 && before.every((r) => r.source === 'cost_plus_fallback'), JSON.stringify(before));
      const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager });
      const after = await table(quotationId, 2);
      assert.deepEqual(after, before.map((r) => ({ price: Math.round(r.price * (decision.decidedPrice / currentPrice) * 100) / 100, source: 'model' })));
    });

    it('reject: needs a reason and keeps the price', async () => {
      const { quotationId, suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 0.85 });
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'reject', actor: manager }), (e: Error & { field?: string }) => e.field === 'reason');
      const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'reject', reason: 'July is sold out: no discount', actor: manager });
      assert.equal(decision.decidedPrice, currentPrice);
      assert.equal(decision.resultingVersion, null);
      const quotation = await readQuotation(db.pool, quotationId);
      assert.equal(quotation.version, 1);
      assert.equal(quotation.priceTotal, currentPrice);
    });

    it('refuses a second decision, an unknown suggestion and a bad action, changing nothing', async () => {
      const { quotationId, suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.2 });
      await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager });
      const before = await snapshot(quotationId);
      await assert.rejects(
        decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'reject', reason: 'changed my mind', actor: { name: 'Luis', role: 'pricing-manager' } }),
        (e: Error & { code?: string }) => e.code === 'already_decided' && e.message.includes(manager.name),
      );
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: 999_999, action: 'accept', actor: manager }), (e: Error & { code?: string }) => e.code === 'not_found');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'approve' as never, actor: manager }), (e: Error & { field?: string }) => e.field === 'action');
      assert.deepEqual(await snapshot(quotationId), before);
    });

    it('lets only one of two managers deciding at once win', async () => {
      const { suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.2 });
      // An override the rule allows (inside the list price band), so that whichever decision comes second is refused
      // only for coming second: a fixed 3000 was above the band, refused for that when it won the race.
      const allowed = Math.round(currentPrice * 118) / 100;
      const outcomes = await Promise.allSettled([
        decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager }),
        decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: allowed, reason: 'round number', actor: { name: 'Luis', role: 'pricing-manager' } }),
      ]);
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      const failed = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      assert.equal(failed.reason.code, 'already_decided');
      const count = await db.pool.query('SELECT count(*)::int AS n FROM suggestion_decisions WHERE suggestion_id = $1', [suggestion.id]);
      assert.equal(count.rows[0].n, 1);
    });

    it('a decision and a change of the same quotation at once end cleanly, never in a deadlock', async () => {
      for (let round = 0; round < 4; round++) {
        const { quotationId, suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.2 });
        const outcomes = await Promise.allSettled([
          decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager }),
          reviseQuotation({ pool: db.pool, scorer, log: quietLog }, quotationId, { partySize: 3, reason: 'one more traveller' }, 'agent:test'),
        ]);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') assert.ok(['already_decided', 'quotation_changed', 'stale_suggestion'].includes(outcome.reason.code), `round ${round}: ${outcome.reason.message}`);
        }
        assert.ok(outcomes.some((o) => o.status === 'fulfilled'));
      }
    });

    it('keeps decisions and what was suggested immutable in the database itself', async () => {
      const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.2 });
      const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager });
      await assert.rejects(db.pool.query('UPDATE suggestion_decisions SET decided_price = 1 WHERE id = $1', [decision.id]), /immutable/);
      await assert.rejects(db.pool.query('DELETE FROM suggestion_decisions WHERE id = $1', [decision.id]), /immutable/);
      await assert.rejects(db.pool.query(`UPDATE price_suggestions SET state = 'pending' WHERE id = $1`, [suggestion.id]), /already accepted/);
      await assert.rejects(db.pool.query('UPDATE price_suggestions SET suggested_price = 1 WHERE id = $1', [suggestion.id]), /cannot be changed/);
      await assert.rejects(db.pool.query('UPDATE quotation_version_lines SET amount = 0 WHERE quotation_id = $1', [decision.quotationId]), /history/);
    });

    it('a locked price is not changed by any suggestion until the lock is released', async () => {
      await setBand(db.pool, { destinationId: catalogue.destinations.puno, serviceLevel: 'standard', maxChangePct: 10, actor: { name: 'lead', role: 'pricing-manager' } });
      const { quotationId, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...tt(), ratio: 1.5 });
      const lock = await lockPrice(db.pool, { quotationId, reason: 'price promised to the school group', actor: manager });
      await assert.rejects(lockPrice(db.pool, { quotationId, reason: 'again', actor: manager }), (e: Error & { code?: string }) => e.code === 'already_locked');
      // Inside the 10% band, but locked: it waits, and a person cannot accept or override it either.
      const inBand = await suggest(db.pool, quotationId, { ratio: 1.04 });
      assert.equal(inBand.state, 'pending');
      assert.match(inBand.pendingBecause!, /price locked by .*school group/);
      const before = await snapshot(quotationId);
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: inBand.id, action: 'accept', actor: manager }), (e: Error & { code?: string }) => e.code === 'price_locked');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: inBand.id, action: 'override', price: 999, reason: 'x', actor: manager }), (e: Error & { code?: string }) => e.code === 'price_locked');
      assert.deepEqual(await snapshot(quotationId), before);
      assert.equal((await getSuggestion(db.pool, inBand.id)).lock!.id, lock.id);
      await releaseLock(db.pool, lock.id, manager);
      await assert.rejects(releaseLock(db.pool, lock.id, manager), (e: Error & { code?: string }) => e.code === 'lock_released');
      const decision = await decideSuggestion(db.pool, { suggestionId: inBand.id, action: 'accept', actor: manager });
      assert.equal(decision.decidedPrice, Math.round(currentPrice * 1.04 * 100) / 100);
    });

    it('a departure lock holds every quotation of the departure', async () => {
      const lock = await lockPrice(db.pool, { departureId: catalogue.departures.machuPicchu, reason: 'fixed group departure rate', actor: manager });
      const { suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.3 });
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager }), (e: Error & { code?: string }) => e.code === 'price_locked');
      const rejected = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'reject', reason: 'departure price is fixed', actor: manager });
      assert.equal(rejected.action, 'reject');
      await releaseLock(db.pool, lock.id, manager);
    });

    it('a newer suggestion supersedes the pending one of the same quotation', async () => {
      const { quotationId, suggestion } = await quotationWithSuggestion(db.pool, scorer, { ...mp(), ratio: 1.3 });
      const newer = await suggest(db.pool, quotationId, { ratio: 1.25 });
      assert.equal((await getSuggestion(db.pool, suggestion.id)).state, 'superseded');
      assert.equal((await getSuggestion(db.pool, newer.id)).state, 'pending');
      await assert.rejects(decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'accept', actor: manager }), (e: Error & { code?: string }) => e.code === 'already_decided');
    });

    it('filters the queue by destination, departure window and size of change', async () => {
      const all = await listQueue(db.pool, {});
      assert.ok(all.total >= 2);
      const cusco = await listQueue(db.pool, { destination: 'cusco' });
      assert.ok(cusco.items.every((i) => i.destination.code === 'cusco'));
      const puno = await listQueue(db.pool, { destination: 'puno' });
      assert.equal(cusco.total + puno.total, all.total);
      const big = await listQueue(db.pool, { minChangePct: 20 });
      assert.ok(big.items.length > 0 && big.items.every((i) => Math.abs(i.changePct) >= 20));
      const window = await listQueue(db.pool, { departureFrom: catalogue.departureDates.titicaca, departureTo: catalogue.departureDates.titicaca });
      assert.ok(window.items.every((i) => i.departureDate === catalogue.departureDates.titicaca));
      const none = await listQueue(db.pool, { departureTo: '2000-01-01' });
      assert.deepEqual(none, { total: 0, items: [] });
    });
  });
}
