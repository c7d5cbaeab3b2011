import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ClickHouseClient } from '@clickhouse/client';
import { migrate } from '../../domain/migrate.ts';
import { generateWorld } from '../../domain/generator/index.ts';
import { queryRows } from '../../features/warehouse-query.ts';
import { embeddedPostgresUrl, freshDatabase, MACHINE_REDIS_URL, quietLog, serviceSkipReason, testClickHouse, testConfig, useClickHouseDatabase, type TestDatabase } from '../../test/support/services.ts';
import { loadPipelineGraph } from '../graph.ts';
import type { Step } from '../step.ts';
import { migrateWarehouse } from '../warehouse/migrate.ts';
import { enqueueRun, waitForRun } from './bullmq-runner.ts';
import { openPipelineQueues, startPipelineWorkers, type PipelineWorkers } from './pipeline-workers.ts';
import { pipelineSchedules } from './schedules.ts';
import { openStepServices, type StepServices } from './step-services.ts';

/**
 * The quarter-hourly ingest as the scheduler queues it, on BullMQ workers: analysts read the marts right after it,
 * so they must show what it copied, not wait for ClickHouse's own refresh up to fifteen minutes later. The real
 * graph and the real schedule, on the embedded PostgreSQL only (what is checked is the graph and the runner).
 */
const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);
// Our own key prefix: other suites (and other people's runs) on the same Redis are not disturbed.
process.env.BULLMQ_PREFIX = `${process.env.BULLMQ_PREFIX?.trim() || 'spirit-test'}-${process.pid}`;
delete process.env.PIPELINE_GRAPH;

describe('the scheduled ingest on BullMQ', { skip: redisSkip }, () => {
  let db: TestDatabase;
  let ch: ClickHouseClient;
  let services: StepServices;
  let graph: Step[];
  let workers: PipelineWorkers;
  before(async () => {
    db = await freshDatabase(await embeddedPostgresUrl(), 'scheduled_ingest');
    await migrate(db.pool, quietLog);
    await generateWorld(db.pool, { customers: 40, years: 1, seed: 3, endDate: '2025-07-01', log: quietLog });
    ch = (await testClickHouse()).client;
    await useClickHouseDatabase(ch, 'scheduled_ingest');
    await migrateWarehouse(ch, quietLog);
    services = await openStepServices(testConfig(), quietLog, { pg: db.pool, clickhouse: ch });
    graph = await loadPipelineGraph();
    // Orchestration and light steps: what the ingest schedule needs, and no sandboxed child to open chDB again.
    workers = startPipelineWorkers(graph, services, { redisUrl: MACHINE_REDIS_URL, queues: ['runs', 'steps'], lockDurationMs: 10_000 });
  });
  after(async () => {
    await workers?.close();
    const queues = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
    for (const queue of Object.values(queues)) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await services?.close();
    await db?.drop();
  });

  const scheduledIngest = async () => {
    const schedule = pipelineSchedules({}).find((s) => s.id === 'ingest')!;
    const { runId } = await enqueueRun(graph, services.state, MACHINE_REDIS_URL, { selection: schedule.selection, params: schedule.params, trigger: 'schedule', retry: { attempts: 1, delayMs: 0, jitter: 0 } });
    const run = await waitForRun(services.state, runId, { timeoutMs: 60_000, pollMs: 100 });
    assert.equal(run.status, 'succeeded', JSON.stringify(await services.state.stepsOf(runId)));
  };

  /** The booking system's own counts, and the same read from the marts analysts query. */
  const bookingCounts = async () => {
    const { rows } = await db.pool.query<{ made: number; cancelled: number; travelling: number }>(
      "SELECT count(*)::int AS made, (count(*) FILTER (WHERE status = 'cancelled'))::int AS cancelled, (sum(party_size) FILTER (WHERE status <> 'cancelled'))::int AS travelling FROM bookings",
    );
    return rows[0];
  };
  const martCounts = async () => {
    const [daily] = await queryRows<{ made: number; cancelled: number }>(ch, 'SELECT toUInt64(sum(bookings_made)) AS made, toUInt64(sum(cancelled_since)) AS cancelled FROM mart_destination_daily');
    const [pace] = await queryRows<{ travelling: number }>(ch, 'SELECT toUInt64(sum(travellers)) AS travelling FROM mart_booking_pace');
    return { made: Number(daily.made), cancelled: Number(daily.cancelled), travelling: Number(pace.travelling) };
  };

  it('leaves the marts showing what it copied: the first load, then a booking cancelled since', async () => {
    await scheduledIngest();
    const first = await bookingCounts();
    assert.ok(first.made > 20, `the world has bookings (${first.made})`);
    assert.deepEqual(await martCounts(), first, 'the marts show the first load');

    await db.pool.query("UPDATE bookings SET status = 'cancelled' WHERE id = (SELECT min(id) FROM bookings WHERE status <> 'cancelled')");
    await scheduledIngest();
    const second = await bookingCounts();
    assert.equal(second.cancelled, first.cancelled + 1);
    assert.deepEqual(await martCounts(), second, 'the marts show the cancellation');
  });
});
