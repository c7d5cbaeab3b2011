import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateWorld } from '../domain/generator/index.ts';
import { migrateWarehouse } from './warehouse/migrate.ts';
import { embeddedPostgresUrl, freshDatabase, quietLog, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../test/support/services.ts';
import { loadPipelineGraph } from './graph.ts';
import { runPipelineInProcess } from './runner/in-process-runner.ts';
import { pipelineStatus } from './runner/pipeline-status.ts';
import { openStepServices, type StepServices } from './runner/step-services.ts';

/**
 * The real nightly graph, end to end through the recording runner: generated booking system in PostgreSQL →
 * ingest → features → training → evaluation. Runs on the embedded PostgreSQL only: what it checks is the graph
 * and the runner, which the other suites already run on both servers; a second world would double its minute.
 */
describe('the nightly graph', () => {
  let db: TestDatabase;
  let services: StepServices;
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'nightly_graph');
    await generateWorld(db.pool, { customers: 600, years: 3, seed: 11, endDate: '2025-07-01', log: quietLog });
    const ch = await testClickHouse();
    await useClickHouseDatabase(ch.client, 'nightly_graph');
    await migrateWarehouse(ch.client, quietLog);
    services = await openStepServices(testConfig(), quietLog, { pg: db.pool, clickhouse: ch.client });
  });
  after(async () => {
    await services?.close();
    await db?.drop();
  });

  it('holds together: ingest first, every reader after every writer of what it reads', async () => {
    const graph = await loadPipelineGraph();
    assert.equal(graph[0].name, 'ingest');
    const names = graph.map((s) => s.name);
    for (const step of graph) for (const upstream of step.after) assert.ok(names.indexOf(upstream) < names.indexOf(step.name), `${upstream} before ${step.name}`);
  });

  it('runs in process, records every step, and is fresh afterwards until the booking system changes', async () => {
    const graph = await loadPipelineGraph();
    const report = await runPipelineInProcess(graph, services, { params: { seed: 1 }, retry: { attempts: 1, delayMs: 0, jitter: 0 } });
    const steps = await services.state.stepsOf(report.runId);
    assert.equal(report.status, 'succeeded', steps.filter((s) => s.status !== 'succeeded').map((s) => `${s.step}: ${s.status} ${s.error}`).join('\n'));
    assert.deepEqual(steps.map((s) => s.step).sort(), graph.map((s) => s.name).sort());
    const ingest = steps.find((s) => s.step === 'ingest')!;
    assert.ok(Number(ingest.outputs!.rows) > 1000, `ingest copied the world (${ingest.outputs!.rows} rows)`);

    const fresh = await pipelineStatus(graph, services);
    assert.deepEqual(fresh.filter((s) => s.stale).map((s) => `${s.step}: ${s.reasons.join('; ')}`), []);
    await db.pool.query(`UPDATE bookings SET status = 'cancelled' WHERE id = (SELECT min(id) FROM bookings)`);
    const changed = new Map((await pipelineStatus(graph, services)).map((s) => [s.step, s]));
    assert.ok(changed.get('ingest')!.reasons.some((r) => r.startsWith('pg:bookings changed')), JSON.stringify(changed.get('ingest')!.reasons));
    // Every step that ingest's output reaches, directly or through another step, is stale; the others are not.
    const downstream = new Set(['ingest']);
    for (const step of graph) if (step.after.some((upstream) => downstream.has(upstream))) downstream.add(step.name);
    assert.ok(downstream.size > 5, 'the model families are downstream of ingest');
    for (const step of graph.slice(1)) {
      assert.equal(changed.get(step.name)!.stale, downstream.has(step.name), `${step.name} ${downstream.has(step.name) ? 'is' : 'is not'} downstream of ingest`);
    }
  });
});
