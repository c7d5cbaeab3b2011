import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrate } from '../migrate.ts';
import { migrateWarehouse } from '../../pipelines/warehouse/migrate.ts';
import { freshDatabase, postgresTargets, quietLog, testClickHouse, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { seedSampleCatalogue, type SampleCatalogue } from '../../test/worlds/sample-catalogue.ts';
import { unreachableScorer } from '../../test/support/unreachable-scorer.ts';
import type { ScoringClient } from '../quotations/scoring-client.ts';
import { setBand } from './auto-accept-bands.ts';
import { decideSuggestion } from './decide-suggestion.ts';
import { ingest } from '../../pipelines/ingest/ingest.ts';
import { suggestionAcceptance } from './suggestion-acceptance.ts';
import { quotationWithSuggestion } from '../../test/support/suggestion-fixture.ts';
import { writeTrainingLabelsCsv } from './training-labels.ts';
import { limaToday } from '../../platform/calendar/lima-today.ts';

const targets = await postgresTargets();
const manager = { name: 'Ana (api-key 1)', role: 'pricing-manager' };

function collect(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

for (const target of targets) {
  describe(`review decisions in ClickHouse (${target.name} PostgreSQL)`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let ch: ClickHouseClient;
    let catalogue: SampleCatalogue;
    let scorer: ScoringClient;
    /** What each decision should contribute, by model version and destination, computed here from the scenario. */
    const expected: Array<{ model: string; destination: 'cusco' | 'puno'; action: string; suggested: number; decided: number }> = [];

    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'review_ch');
      await migrate(db.pool, quietLog);
      ch = (await testClickHouse()).client;
      await useClickHouseDatabase(ch, `review_${target.name}`);
      await migrateWarehouse(ch, quietLog);
      catalogue = await seedSampleCatalogue(db.pool);
      scorer = await unreachableScorer();
      await setBand(db.pool, { destinationId: catalogue.destinations.puno, serviceLevel: null, maxChangePct: 3, actor: { name: 'lead', role: 'pricing-manager' } });

      // Two model versions over two destinations, every kind of decision.
      const cusco = { itineraryId: catalogue.itineraries.machuPicchu, customerId: catalogue.customers.english, departureDate: catalogue.departureDates.machuPicchu };
      const puno = { itineraryId: catalogue.itineraries.titicaca, customerId: catalogue.customers.german, departureDate: catalogue.departureDates.titicaca };
      const plan: Array<{ where: typeof cusco; destination: 'cusco' | 'puno'; model: string; ratio: number; action: 'accept' | 'override' | 'reject' | 'auto'; price?: number }> = [
        { where: cusco, destination: 'cusco', model: 'price-000001', ratio: 1.1, action: 'accept' },
        { where: cusco, destination: 'cusco', model: 'price-000001', ratio: 1.2, action: 'override', price: 0.95 },
        { where: cusco, destination: 'cusco', model: 'price-000001', ratio: 1.3, action: 'reject' },
        { where: cusco, destination: 'cusco', model: 'price-000002', ratio: 1.1, action: 'accept' },
        { where: puno, destination: 'puno', model: 'price-000001', ratio: 1.02, action: 'auto' },
        { where: puno, destination: 'puno', model: 'price-000002', ratio: 1.2, action: 'override', price: 1.04 },
        { where: puno, destination: 'puno', model: 'price-000002', ratio: 1.01, action: 'auto' },
      ];
      for (const step of plan) {
        const { suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...step.where, ratio: step.ratio, modelVersion: step.model });
        const suggested = Math.round(currentPrice * step.ratio * 100) / 100;
        let decided: number;
        if (step.action === 'auto') {
          assert.equal(suggestion.state, 'auto_accepted');
          decided = suggested;
        } else {
          // An override's price is given relative to the suggestion: 0.95 = 5% under it.
          const price = step.price === undefined ? undefined : Math.round(suggested * step.price * 100) / 100;
          const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: step.action, price, reason: step.action === 'accept' ? undefined : 'test', actor: manager });
          decided = decision.decidedPrice;
        }
        expected.push({ model: step.model, destination: step.destination, action: step.action === 'auto' ? 'auto_accept' : step.action, suggested, decided });
      }
    });
    after(async () => db?.drop());

    it('copies every decision once with the ingest, however often it runs', async () => {
      const first = await ingest(db.pool, ch, { log: quietLog, tables: ['suggestion_decisions'], batchRows: 3, path: 'copy' });
      assert.equal(first.tables.suggestion_decisions.rows, expected.length);
      const again = await ingest(db.pool, ch, { log: quietLog, tables: ['suggestion_decisions'] });
      assert.equal(again.tables.suggestion_decisions.rows, 0);
      const rows = await (await ch.query({ query: 'SELECT count() AS n, uniqExact(id) AS ids FROM suggestion_decisions FINAL', format: 'JSONEachRow' })).json<{ n: string; ids: string }>();
      assert.equal(Number(rows[0].n), expected.length);
      assert.equal(Number(rows[0].ids), expected.length);
    });

    it("gives analysts acceptance and average override per model version and destination (the view they read)", async () => {
      const rows = await (
        await ch.query({ query: 'SELECT model_version, destination_id, decisions, auto_accepted, rejected, acceptance_rate, avg_override FROM review_rates_by_model_destination', format: 'JSONEachRow' })
      ).json<{ model_version: string; destination_id: number; decisions: string; auto_accepted: string; rejected: string; acceptance_rate: number; avg_override: number }>();
      assert.equal(rows.length, 4);
      assert.equal(rows.reduce((s, r) => s + Number(r.decisions), 0), expected.length);
      const punoV1 = rows.find((r) => r.model_version === 'price-000001' && Number(r.destination_id) === catalogue.destinations.puno)!;
      assert.deepEqual([Number(punoV1.decisions), Number(punoV1.auto_accepted), punoV1.acceptance_rate], [1, 1, 1]);
      const cuscoV1 = rows.find((r) => r.model_version === 'price-000001' && Number(r.destination_id) === catalogue.destinations.cusco)!;
      assert.ok(Math.abs(cuscoV1.avg_override - -0.05) < 1e-3, `managers priced 5% under v1 in Cusco, got ${cuscoV1.avg_override}`);
      assert.equal(Number(cuscoV1.rejected), 1);
    });

    /** The mart's figures per model version against the scenario's own. */
    const checkByModelVersion = (answer: Awaited<ReturnType<typeof suggestionAcceptance>>) => {
      for (const model of ['price-000001', 'price-000002']) {
        const mine = expected.filter((e) => e.model === model);
        const accepted = mine.filter((e) => e.action === 'accept' || e.action === 'auto_accept').length;
        const overrides = mine.filter((e) => e.action === 'override').map((e) => (e.decided - e.suggested) / e.suggested);
        const row = answer.byModelVersion.find((r) => r.modelVersion === model)!;
        assert.deepEqual(
          [row.decisions, row.accepted, row.autoAccepted, row.overridden, row.rejected],
          [mine.length, accepted, mine.filter((e) => e.action === 'auto_accept').length, overrides.length, mine.filter((e) => e.action === 'reject').length],
          model,
        );
        assert.equal(row.acceptanceRate, accepted / mine.length);
        assert.ok(Math.abs(row.avgOverride! - overrides.reduce((s, x) => s + x, 0) / overrides.length) < 1e-4, `${model}: ${row.avgOverride}`);
      }
    };

    it('gives acceptance per model version and per manager from the mart the ingest feeds', async () => {
      const today = limaToday();
      const answer = await suggestionAcceptance(ch, { from: today, to: today });
      checkByModelVersion(answer);
      // The managers' decisions under their credential, the bands' under system:auto-accept.
      const people = expected.filter((e) => e.action !== 'auto_accept');
      const ana = answer.byManager.find((r) => r.decidedBy === manager.name)!;
      assert.deepEqual([ana.role, ana.decisions, ana.accepted, ana.overridden, ana.rejected], ['pricing-manager', people.length, 2, 2, 1]);
      const bands = answer.byManager.filter((r) => r.decidedBy !== manager.name);
      assert.equal(bands.reduce((s, r) => s + r.autoAccepted, 0), 2);
      assert.equal(bands.reduce((s, r) => s + r.decisions, 0), 2);
      // An instant in UTC, on today's date in Lima (from 19:00 in Lima the UTC date is the next day's).
      assert.ok(answer.decidedThrough !== null && limaToday(new Date(answer.decidedThrough)) === today, `${answer.decidedThrough} on ${today} in Lima`);
      assert.deepEqual((await suggestionAcceptance(ch, { from: '2999-01-01' })).byManager, []);
      await assert.rejects(suggestionAcceptance(ch, { from: '1 May' }), /from must be a date/);
      await assert.rejects(suggestionAcceptance(ch, { from: '2027-02-01', to: '2027-01-01' }), /is after/);
    });

    it('a full re-copy of the decisions changes neither the counts nor the average override', async () => {
      // A model whose two overrides differ: the first is copied, then both are copied again by the full re-copy, so an
      // average over the rows as delivered counts the first twice.
      const cusco = { itineraryId: catalogue.itineraries.machuPicchu, customerId: catalogue.customers.english, departureDate: catalogue.departureDates.machuPicchu };
      for (const price of [1.04, 0.9]) {
        const { suggestion, currentPrice } = await quotationWithSuggestion(db.pool, scorer, { ...cusco, ratio: 1.2, modelVersion: 'price-000003' });
        const suggested = Math.round(currentPrice * 1.2 * 100) / 100;
        const decision = await decideSuggestion(db.pool, { suggestionId: suggestion.id, action: 'override', price: Math.round(suggested * price * 100) / 100, reason: 'test', actor: manager });
        expected.push({ model: 'price-000003', destination: 'cusco', action: 'override', suggested, decided: decision.decidedPrice });
        if (price > 1) await ingest(db.pool, ch, { log: quietLog, tables: ['suggestion_decisions'] });
      }
      await ingest(db.pool, ch, { log: quietLog, tables: ['suggestion_decisions'], full: true });
      const today = limaToday();
      const answer = await suggestionAcceptance(ch, { from: today, to: today });
      checkByModelVersion(answer);
      const v3 = answer.byModelVersion.find((r) => r.modelVersion === 'price-000003')!;
      const overrides = expected.filter((e) => e.model === 'price-000003').map((e) => (e.decided - e.suggested) / e.suggested);
      assert.equal(v3.overridden, 2);
      assert.ok(Math.abs(v3.avgOverride! - (overrides[0] + overrides[1]) / 2) < 1e-4, `${v3.avgOverride}`);
    });

    it('exports the decisions as labelled rows with the features the model saw', async () => {
      const out = collect();
      const count = await writeTrainingLabelsCsv(ch, out.stream, { pageRows: 2 });
      assert.equal(count, expected.length);
      const [header, ...lines] = out.text().trim().split('\n');
      const columns = header.split(',');
      for (const name of ['departure_month', 'group_size', 'lead_time_days', 'cost', 'label_price', 'label_source', 'model_version']) assert.ok(columns.includes(name), `column ${name}`);
      const labels = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
      assert.deepEqual(labels.map((l) => Number(l.label_price)).sort((a, b) => a - b), expected.map((e) => e.decided).sort((a, b) => a - b));
      assert.ok(labels.every((l) => Number(l.group_size) === 2 && Number(l.cost) > 0));
    });

    it('takes the features from the API’s scored-request log when the decision holds only the snapshot id', async () => {
      await ch.insert({
        table: 'scored_requests',
        values: [{
          request_id: 'r1', item: 0, scored_at: '2030-01-01 00:00:00.000', route: '/v1/prices/suggest', family: 'price', model_version: 'price-000001',
          feature_snapshot_id: 'fs_only_in_log', defaulted_features: [], caller_kind: 'api-key', caller_id: '1', caller_role: 'quotation-engine',
          subject: '1', quotation_id: null, customer_id: null, request: '{}', features: '{"group_size":7,"lead_time_days":30}', response: '{}', latency_ms: 1,
        }],
        format: 'JSONEachRow',
      });
      // A decision as the real API's answers give it: snapshot id, no values.
      await ch.insert({
        table: 'suggestion_decisions',
        values: [{
          id: 1_000_000, suggestion_id: 1_000_000, action: 'accept', decided_price: '100.00', reason: null, decided_by: 'x', decided_by_role: 'pricing-manager',
          auto_accept_band_id: null, resulting_version: 2, quotation_id: 1, destination_id: 1, service_level: 'standard', departure_date: '2030-02-01',
          party_size: 7, cost_total: '80.00', current_price: '95.00', suggested_price: '100.00', lo80: '90.00', hi80: '110.00', guardrail: null,
          model_version: 'price-000001', feature_snapshot_id: 'fs_only_in_log', features: '{}', decided_at: '2030-01-01T00:00:00.000000Z',
        }],
        format: 'JSONEachRow',
      });
      const label = await (await ch.query({ query: 'SELECT features FROM price_training_labels WHERE decision_id = 1000000', format: 'JSONEachRow' })).json<{ features: string }>();
      assert.deepEqual(JSON.parse(label[0].features), { group_size: 7, lead_time_days: 30 });
    });

    it('counts a decision on the day it was made in Lima, where managers decide and the review desk counts its days', async () => {
      // 21:30 in Lima on 2031-03-09 is 02:30 UTC on the 10th.
      await ch.insert({
        table: 'suggestion_decisions',
        values: [{
          id: 1_000_100, suggestion_id: 1_000_100, action: 'reject', decided_price: '100.00', reason: 'late', decided_by: 'Night manager', decided_by_role: 'pricing-manager',
          auto_accept_band_id: null, resulting_version: null, quotation_id: 1, destination_id: 1, service_level: 'standard', departure_date: '2031-06-01',
          party_size: 2, cost_total: '80.00', current_price: '95.00', suggested_price: '100.00', lo80: '90.00', hi80: '110.00', guardrail: null,
          model_version: 'price-000009', feature_snapshot_id: null, features: '{}', decided_at: '2031-03-10T02:30:00.000000Z',
        }],
        format: 'JSONEachRow',
      });
      const decisionsOf = async (window: { from?: string; to?: string }) =>
        (await suggestionAcceptance(ch, window)).byModelVersion.find((r) => r.modelVersion === 'price-000009')?.decisions ?? 0;
      assert.equal(await decisionsOf({ from: '2031-03-09', to: '2031-03-09' }), 1, 'decided on the 9th in Lima');
      assert.equal(await decisionsOf({ from: '2031-03-10' }), 0, 'not on the 10th');
    });
  });
}
