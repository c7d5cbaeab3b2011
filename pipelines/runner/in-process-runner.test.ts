import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type pg from 'pg';
import { migrate } from '../../domain/migrate.ts';
import { InputError, SpiritError } from '../../platform/errors.ts';
import { mulberry32 } from '../../platform/random.ts';
import { freshDatabase, postgresTargets, quietLog, testConfig, type TestDatabase } from '../../test/support/services.ts';
import type { Step } from '../step.ts';
import { runPipelineInProcess } from './in-process-runner.ts';
import { pipelineStatus } from './pipeline-status.ts';
import { backoffDelay } from './retry-policy.ts';
import { selectSteps } from './selection.ts';
import { crontabLines, pipelineSchedules } from './schedules.ts';
import { checkGraph } from './graph-check.ts';
import { openStepServices, type StepServices } from './step-services.ts';

/**
 * A small sales graph of our own (so these tests do not wait for the real steps):
 *   extract (pg:sales_source → pg:sales_copy) → summarise (→ pg:sales_summary) → report (→ file:report)
 *   audit (pg:sales_source → pg:sales_audit), independent of the others.
 */
function salesGraph(calls: string[], behaviour: { failSummarise?: number } = {}): Step[] {
  let summariseFailures = 0;
  const step = (name: string, after: string[], reads: string[], writes: string[], run: Step['run']): Step => ({ name, description: name, after, reads, writes, run });
  return [
    step('report', ['summarise'], ['pg:sales_summary'], ['file:report'], async (ctx) => {
      calls.push('report');
      const { rows } = await ctx.pg.query<{ total: string }>('SELECT total FROM sales_summary');
      return { outputs: { total: Number(rows[0].total) } };
    }),
    step('extract', [], ['pg:sales_source'], ['pg:sales_copy'], async (ctx) => {
      calls.push('extract');
      const client = await ctx.pg.connect();
      try {
        // Replace in one transaction: readers see the old copy or the new one, never half of it.
        await client.query('BEGIN');
        await client.query('DELETE FROM sales_copy');
        const copied = await client.query('INSERT INTO sales_copy (id, amount) SELECT id, amount FROM sales_source');
        await client.query('COMMIT');
        return { outputs: { rows: copied.rowCount ?? 0 } };
      } finally {
        client.release();
      }
    }),
    step('summarise', ['extract'], ['pg:sales_copy'], ['pg:sales_summary'], async (ctx) => {
      calls.push('summarise');
      if (summariseFailures < (behaviour.failSummarise ?? 0)) {
        summariseFailures++;
        throw new SpiritError('summary_unavailable', `summary failed (${summariseFailures})`);
      }
      await ctx.pg.query(`INSERT INTO sales_summary (id, total) SELECT 1, coalesce(sum(amount), 0) FROM sales_copy
                          ON CONFLICT (id) DO UPDATE SET total = EXCLUDED.total, updated_at = clock_timestamp()`);
      return { outputs: { runId: ctx.runId } };
    }),
    step('audit', [], ['pg:sales_source'], ['pg:sales_audit'], async (ctx) => {
      calls.push('audit');
      await ctx.pg.query(`INSERT INTO sales_audit (rows) SELECT count(*) FROM sales_source`);
      return { outputs: { audited: true } };
    }),
  ];
}

async function createSalesTables(pool: pg.Pool): Promise<void> {
  await pool.query(`
    CREATE TABLE sales_source (id int PRIMARY KEY, amount numeric NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE sales_copy (id int PRIMARY KEY, amount numeric NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE sales_summary (id int PRIMARY KEY, total numeric NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
    CREATE TABLE sales_audit (id serial PRIMARY KEY, rows int NOT NULL, updated_at timestamptz NOT NULL DEFAULT clock_timestamp());
    INSERT INTO sales_source (id, amount) SELECT g, g * 10 FROM generate_series(1, 20) g;`);
}

const FAST_RETRY = { attempts: 3, delayMs: 5, jitter: 0.5 };

describe('pipeline graph checks', () => {
  it('orders steps by after and rejects cycles, unknown steps and undeclared lineage (a reader runs after every writer)', () => {
    const calls: string[] = [];
    assert.deepEqual(checkGraph(salesGraph(calls)).map((s) => s.name), ['extract', 'summarise', 'report', 'audit']);
    const [report, extract, summarise, audit] = salesGraph(calls);
    assert.throws(() => checkGraph([{ ...extract, after: ['report'] }, summarise, report]), /cycle/);
    assert.throws(() => checkGraph([extract, { ...summarise, after: ['nope'] }]), /unknown step nope/);
    assert.throws(() => checkGraph([extract, { ...audit, writes: ['pg:sales_copy'] }, summarise]), /reads pg:sales_copy, written by audit, but does not run after it/);
    assert.doesNotThrow(() => checkGraph([extract, { ...audit, writes: ['pg:sales_copy'] }, { ...summarise, after: ['extract', 'audit'] }]), 'two writers, a reader after both');
    assert.throws(() => checkGraph([extract, summarise, { ...report, after: [], reads: ['pg:sales_copy'] }]), /reads pg:sales_copy, written by extract, but does not run after it/);
    assert.throws(() => checkGraph([{ ...audit, name: 'Bad_Name' }]), /lower-case/);
  });

  it('selects --from a step with its dependants, --only the steps named, and names the field of a bad choice', () => {
    const graph = salesGraph([]);
    assert.deepEqual(selectSteps(graph, { from: 'summarise' }).map((s) => s.name), ['summarise', 'report']);
    assert.deepEqual(selectSteps(graph, { from: 'summarise' })[0].after, [], 'upstream outside the run is not waited for');
    assert.deepEqual(selectSteps(graph, { only: ['report', 'audit'] }).map((s) => s.name), ['report', 'audit']);
    assert.throws(() => selectSteps(graph, { from: 'nope' }), (err: unknown) => err instanceof InputError && err.field === 'from' && /no step named "nope"/.test(err.message));
    assert.throws(() => selectSteps(graph, { only: ['nope'] }), (err: unknown) => err instanceof InputError && err.field === 'only');
    assert.throws(() => selectSteps(graph, { from: 'extract', only: ['audit'] }), /cannot be used together/);
  });

  it('runs a schedule\'s companions when the graph has them, and without them when it does not (found by a review: a worker with a graph of its own failed every scheduled ingest)', () => {
    const graph = salesGraph([]);
    assert.deepEqual(selectSteps(graph, { only: ['report'], alsoIfPresent: ['audit', 'refresh-marts'] }).map((s) => s.name).sort(), ['audit', 'report']);
    const [ingest] = pipelineSchedules({});
    assert.deepEqual(ingest.selection, { only: ['ingest'], alsoIfPresent: ['refresh-marts'] });
    assert.match(crontabLines([ingest])[0], / --only ingest --only refresh-marts /, 'the crontab, for the default graph, runs both');
  });

  it('waits exponentially longer between retries, with bounded jitter', () => {
    const policy = { attempts: 5, delayMs: 1000, jitter: 0.5 };
    const random = mulberry32(7);
    for (let failures = 1; failures <= 4; failures++) {
      const max = 1000 * 2 ** (failures - 1);
      for (let i = 0; i < 50; i++) {
        const wait = backoffDelay(policy, failures, random);
        assert.ok(wait >= max / 2 && wait <= max, `wait ${wait} after ${failures} failures outside [${max / 2}, ${max}]`);
      }
    }
    assert.equal(backoffDelay({ ...policy, jitter: 0 }, 3), 4000);
  });
});

for (const target of await postgresTargets()) {
  describe(`in-process runner on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let services: StepServices;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'pipeline_inproc');
      await migrate(db.pool, quietLog);
      await createSalesTables(db.pool);
      services = await openStepServices(testConfig(), quietLog, { pg: db.pool });
    });
    after(async () => {
      await services?.close();
      await db?.drop();
    });

    it('runs every step after its upstream and records the run', async () => {
      const calls: string[] = [];
      const report = await runPipelineInProcess(salesGraph(calls), services, { retry: FAST_RETRY });
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(calls, ['extract', 'summarise', 'report', 'audit']);
      const steps = new Map((await services.state.stepsOf(report.runId)).map((s) => [s.step, s]));
      assert.equal(steps.get('extract')!.status, 'succeeded');
      assert.deepEqual(steps.get('extract')!.outputs, { rows: 20 });
      assert.deepEqual(steps.get('report')!.outputs, { total: 2100 });
      assert.equal(steps.get('summarise')!.attempt, 1);
      assert.ok(steps.get('extract')!.inputVersions['pg:sales_source'], 'input version recorded');
      assert.equal((await services.state.run(report.runId))!.runner, 'in-process');
    });

    it('runs only the selection: --from summarise, then --only audit', async () => {
      const fromCalls: string[] = [];
      const from = await runPipelineInProcess(salesGraph(fromCalls), services, { selection: { from: 'summarise' }, retry: FAST_RETRY });
      assert.deepEqual(fromCalls, ['summarise', 'report']);
      assert.deepEqual((await services.state.stepsOf(from.runId)).map((s) => s.step).sort(), ['report', 'summarise']);
      const onlyCalls: string[] = [];
      await runPipelineInProcess(salesGraph(onlyCalls), services, { selection: { only: ['audit'] }, retry: FAST_RETRY });
      assert.deepEqual(onlyCalls, ['audit']);
    });

    it('retries a failing step, and when it still fails stops its dependants but not the independent steps', async () => {
      const calls: string[] = [];
      const report = await runPipelineInProcess(salesGraph(calls, { failSummarise: 5 }), services, { retry: FAST_RETRY });
      assert.equal(report.status, 'failed');
      assert.deepEqual(calls.filter((c) => c === 'summarise').length, 3, 'three attempts');
      assert.ok(!calls.includes('report'), 'the dependant did not run');
      assert.ok(calls.includes('audit'), 'the independent step ran');
      const steps = new Map((await services.state.stepsOf(report.runId)).map((s) => [s.step, s]));
      assert.equal(steps.get('summarise')!.status, 'failed');
      assert.equal(steps.get('summarise')!.attempt, 3);
      assert.match(steps.get('summarise')!.error!, /summary_unavailable: summary failed \(3\)/);
      assert.equal(steps.get('report')!.status, 'skipped');
      assert.match(steps.get('report')!.error!, /summarise failed/);
      assert.equal(steps.get('audit')!.status, 'succeeded');
      const failures = await services.state.unresolvedFailures();
      assert.deepEqual(failures.map((f) => f.step), ['summarise']);
    });

    it('succeeds on a later attempt when the failure passes', async () => {
      const calls: string[] = [];
      const report = await runPipelineInProcess(salesGraph(calls, { failSummarise: 2 }), services, { retry: FAST_RETRY, selection: { from: 'summarise' } });
      assert.equal(report.status, 'succeeded');
      const summarise = (await services.state.stepsOf(report.runId)).find((s) => s.step === 'summarise')!;
      assert.equal(summarise.attempt, 3);
      assert.equal((await services.state.unresolvedFailures()).length, 0, 'the later success resolves the earlier failure');
    });

    it('tells which steps are stale after an input changed, and clears it by running them', async () => {
      await runPipelineInProcess(salesGraph([]), services, { retry: FAST_RETRY });
      const fresh = await pipelineStatus(salesGraph([]), services);
      assert.deepEqual(fresh.filter((s) => s.stale).map((s) => s.step), [], JSON.stringify(fresh.map((s) => s.reasons)));
      assert.deepEqual(fresh.find((s) => s.step === 'report')!.lastSuccess!.outputs, { total: 2100 });

      await db.pool.query('INSERT INTO sales_source (id, amount) VALUES (21, 5)');
      const changed = new Map((await pipelineStatus(salesGraph([]), services)).map((s) => [s.step, s]));
      assert.ok(changed.get('extract')!.stale);
      assert.match(changed.get('extract')!.reasons[0], /^pg:sales_source changed/);
      assert.ok(changed.get('audit')!.stale);
      assert.deepEqual(changed.get('summarise')!.reasons, ['upstream extract is stale']);
      assert.ok(changed.get('report')!.stale);

      const calls: string[] = [];
      await runPipelineInProcess(salesGraph(calls), services, { selection: { from: 'extract' }, retry: FAST_RETRY });
      const after = new Map((await pipelineStatus(salesGraph([]), services)).map((s) => [s.step, s]));
      assert.deepEqual([...after.values()].filter((s) => s.stale).map((s) => s.step), ['audit']);
      assert.deepEqual(after.get('report')!.lastSuccess!.outputs, { total: 2105 });
    });

    it('never-run steps are stale and a step that uses ClickHouse without declaring it is told so', async () => {
      const sneaky: Step = { name: 'sneaky', description: 'uses ClickHouse without saying', after: [], reads: [], writes: ['pg:nothing'], run: async (ctx) => {
        await ctx.clickhouse.query({ query: 'SELECT 1' });
        return { outputs: {} };
      } };
      const status = await pipelineStatus([sneaky], services);
      assert.deepEqual(status[0].reasons, ['never succeeded']);
      const report = await runPipelineInProcess([sneaky], services, { retry: { ...FAST_RETRY, attempts: 1 } });
      assert.equal(report.status, 'failed');
      assert.match(report.steps[0].error!, /declares no ch: asset/);
    });

    it('records a step whose stores cannot be opened as failed, with why, not pending (found by a review)', async () => {
      // A ClickHouse that cannot be reached (as an embedded one held by npm start cannot be opened).
      const away = await openStepServices(testConfig({ CLICKHOUSE_URL: 'http://127.0.0.1:1' }), quietLog, { pg: db.pool });
      try {
        const reader: Step = { name: 'warehouse-reader', description: 'reads ClickHouse', after: [], reads: ['ch:bookings'], writes: ['pg:nothing'], run: async () => ({ outputs: {} }) };
        const report = await runPipelineInProcess([reader], away, { retry: { ...FAST_RETRY, attempts: 2 } });
        assert.equal(report.status, 'failed');
        const [step] = await away.state.stepsOf(report.runId);
        assert.deepEqual([step.status, step.attempt], ['failed', 2]);
        assert.match(step.error ?? '', /ClickHouse/);
      } finally {
        await away.close();
      }
    });
  });
}
