import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { WaitingChildrenError, Worker } from 'bullmq';
import { freePort } from '../../test/support/free-port.ts';
import { openRelay, relayedUrl } from '../../test/support/tcp-relay.ts';
import { migrate } from '../../domain/migrate.ts';
import { InputError } from '../../platform/errors.ts';
import { freshDatabase, MACHINE_REDIS_URL, postgresTargets, quietLog, serviceSkipReason, testConfig, type TestDatabase } from '../../test/support/services.ts';
import { loadPipelineGraph } from '../graph.ts';
import type { Step } from '../step.ts';
import { enqueueRun, waitForRun } from './bullmq-runner.ts';
import { listFailedQueueJobs, retryFailedQueueJob } from './failed-jobs.ts';
import { openPipelineQueues, startPipelineWorkers } from './pipeline-workers.ts';
import { partitionJobId, PIPELINE_QUEUES, queueName, queuePrefix, redisConnection, stepJobId, type StepJobData } from './queues.ts';
import { processPartitionedStepJob } from './partitioned-step-job.ts';
import { keepSchedules, pipelineSchedules, upsertSchedules } from './schedules.ts';
import { openStepServices, type StepServices } from './step-services.ts';
import { BUILD_ROWS, createFixtureTables } from './fixtures/sales-graph.ts';
import { isAlive, parentPid, spawnCli, waitFor, type CliProcess } from './fixtures/cli-process.ts';

const GRAPH_FILE = fileURLToPath(new URL('./fixtures/sales-graph.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);
// Our own key prefix: other suites (and other people's runs) on the same Redis are not disturbed.
process.env.BULLMQ_PREFIX = `spirit-test-${process.pid}`;
process.env.PIPELINE_GRAPH = GRAPH_FILE;

async function obliterateQueues(): Promise<void> {
  const queues = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
  for (const queue of Object.values(queues)) {
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

for (const target of await postgresTargets()) {
  describe(`BullMQ runner on Redis and ${target.name} PostgreSQL`, { skip: redisSkip ?? target.skip }, () => {
    let db: TestDatabase;
    let services: StepServices;
    let graph: Step[];
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'pipeline_bullmq');
      await migrate(db.pool, quietLog);
      await createFixtureTables(db.pool);
      services = await openStepServices(testConfig(), quietLog, { pg: db.pool });
      graph = await loadPipelineGraph(GRAPH_FILE);
      await obliterateQueues();
    });
    after(async () => {
      await obliterateQueues().catch(() => undefined);
      await services?.close();
      await db?.drop();
    });

    it('runs a flow on two worker processes; a worker killed mid-step has its job finished by the other, outputs complete and not duplicated', async () => {
      const env = { DATABASE_URL: db.url, REDIS_URL: MACHINE_REDIS_URL, BULLMQ_PREFIX: process.env.BULLMQ_PREFIX!, SPIRIT_DATA_DIR: testConfig().dataDir };
      const args = ['worker', '--queues', 'runs,steps,heavy,partitions', '--graph', GRAPH_FILE, '--lock-duration', '2000', '--schedules', 'off'];
      const workers: CliProcess[] = [spawnCli(args, env), spawnCli(args, env)];
      // Readers must never see a half-built table: watch it for the whole run.
      const sizesSeen = new Set<number>();
      let watching = true;
      const watcher = (async () => {
        while (watching) {
          try {
            const { rows } = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM sales_build');
            sizesSeen.add(Number(rows[0].n));
          } catch (err) {
            // Not built yet (42P01); anything else is a reader seeing the switch go wrong.
            if ((err as { code?: string }).code !== '42P01') throw err;
          }
          await new Promise((r) => setTimeout(r, 30));
        }
      })();
      try {
        await Promise.all(workers.map((w) => w.ready));
        await db.pool.query(`UPDATE fixture_control SET batch_delay_ms = 250 WHERE step = 'build'`);
        const { runId } = await enqueueRun(graph, services.state, MACHINE_REDIS_URL, { retry: { attempts: 3, delayMs: 200, jitter: 0.5 } });

        const building = await waitFor('build to be half-way', async () => {
          const step = (await services.state.stepsOf(runId)).find((s) => s.step === 'build')!;
          if (step.status !== 'running' || !step.worker) return undefined;
          const staged = await db.pool.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'sales_build_staging_%'`);
          if (staged.rows.length === 0) return undefined;
          const { rows } = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM "${staged.rows[0].name}"`);
          return Number(rows[0].n) >= BUILD_ROWS / 4 ? step : undefined;
        }, 30_000);
        const sandboxPid = Number(building.worker!.split(':').at(-1));
        const killedWorker = await parentPid(sandboxPid);
        const victim = workers.find((w) => w.pid === killedWorker);
        assert.ok(victim, `the build ran in a sandboxed child (${sandboxPid}) of one of our workers, not of ${killedWorker}`);
        await victim.kill('SIGKILL');

        const run = await waitForRun(services.state, runId, { timeoutMs: 60_000, pollMs: 100 });
        assert.equal(run.status, 'succeeded', JSON.stringify(await services.state.stepsOf(runId)));
        const steps = new Map((await services.state.stepsOf(runId)).map((s) => [s.step, s]));
        assert.deepEqual([...steps.values()].map((s) => s.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
        assert.notEqual(steps.get('build')!.outputs!.worker, sandboxPid, 'another process finished the build');
        const { rows } = await db.pool.query<{ n: string; ids: string }>('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM sales_build');
        assert.deepEqual(rows[0], { n: String(BUILD_ROWS), ids: String(BUILD_ROWS) });
        watching = false;
        await watcher;
        assert.deepEqual([...sizesSeen], [BUILD_ROWS], 'readers only ever saw the complete table');
        const attempts = await db.pool.query<{ pids: number[] }>(`SELECT array_agg(DISTINCT pid) AS pids FROM fixture_attempts WHERE step = 'build'`);
        assert.ok(attempts.rows[0].pids.length >= 2, 'the build was started twice, in two processes');
        assert.deepEqual(steps.get('forecast')!.outputs, { partitions: 3, total: 465 });
        assert.deepEqual(steps.get('summarise')!.outputs, { rows: BUILD_ROWS, regions: 3 });
        await waitFor('the orphaned sandbox child to exit', async () => !isAlive(sandboxPid), 10_000);
        const leftovers = await db.pool.query(`SELECT 1 FROM pg_tables WHERE tablename LIKE 'sales_build_staging_%'`);
        assert.equal(leftovers.rowCount, 0, 'the dead attempt’s staging table was cleared');
      } finally {
        watching = false;
        await watcher;
        for (const w of workers) await w.kill('SIGTERM');
      }
    });

    it('a fanned-out step whose worker died after queueing its partitions waits for them on its next activation instead of publishing those done', async () => {
      const queues = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
      const coordinator = new Worker<StepJobData>(queueName('steps'), undefined, { connection: redisConnection(MACHINE_REDIS_URL), prefix: queuePrefix() });
      try {
        const runId = `died-between-${process.pid}`;
        const retry = { attempts: 1, delayMs: 100, jitter: 0 };
        // The job as a retry finds it: the phase was saved, one partition finished, another is still queued.
        await queues.steps.add('step', { runId, step: 'forecast', params: {}, retry, phase: 'finishing' }, { jobId: stepJobId(runId, 'forecast') });
        const token = `token-${process.pid}`;
        const job = (await coordinator.getNextJob(token))!;
        assert.equal(job.id, stepJobId(runId, 'forecast'));
        await db.pool.query(`INSERT INTO sales_forecast_parts (run_id, region, total) VALUES ($1, 'amazon', 1)`, [runId]);
        await queues.partitions.add('partition', { runId, step: 'forecast', partition: 'andes', params: {} }, {
          jobId: partitionJobId(runId, 'forecast', 'andes'),
          parent: { id: job.id!, queue: job.queueQualifiedName },
        });
        const published = await db.pool.query('SELECT region, total::text FROM sales_forecast ORDER BY region');

        await assert.rejects(processPartitionedStepJob(job, token, graph, services, queues), WaitingChildrenError);
        assert.deepEqual((await db.pool.query('SELECT region, total::text FROM sales_forecast ORDER BY region')).rows, published.rows, 'nothing published');
        assert.equal(await job.getState(), 'waiting-children');
      } finally {
        await coordinator.close();
        await Promise.all(Object.values(queues).map((q) => q.close()));
      }
    });

    it('refuses to queue a run when Redis cannot be reached, saying so with the password masked, and records no run', async () => {
      const runsBefore = (await db.pool.query('SELECT count(*)::int AS n FROM pipeline_runs')).rows[0].n;
      const nobody = `redis://:s3cret-pass@127.0.0.1:${await freePort()}`;
      const refused = await enqueueRun(graph, services.state, nobody, { redisReadyMs: 1_500 }).then(
        () => assert.fail('a run was queued on a Redis that is not there'),
        (err: Error) => err,
      );
      assert.match(refused.message, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+ within 1\.5 s/);
      assert.doesNotMatch(refused.message, /s3cret/);
      assert.equal((await db.pool.query('SELECT count(*)::int AS n FROM pipeline_runs')).rows[0].n, runsBefore, 'no run left queued');
    });

    it('retries a failing step with backoff, lists it as failed with its error, blocks its dependants, and retries it by hand', async () => {
      await db.pool.query(`UPDATE fixture_control SET fail = true WHERE step = 'summarise'; UPDATE fixture_control SET batch_delay_ms = 0`);
      await db.pool.query('DELETE FROM fixture_attempts');
      process.env.DATABASE_URL = db.url;
      const workers = startPipelineWorkers(graph, services, { redisUrl: MACHINE_REDIS_URL, queues: PIPELINE_QUEUES, lockDurationMs: 5000 });
      try {
        const { runId } = await enqueueRun(graph, services.state, MACHINE_REDIS_URL, { retry: { attempts: 2, delayMs: 300, jitter: 0.5 } });
        const run = await waitForRun(services.state, runId, { timeoutMs: 60_000, pollMs: 100 });
        assert.equal(run.status, 'failed');
        const steps = new Map((await services.state.stepsOf(runId)).map((s) => [s.step, s]));
        assert.equal(steps.get('build')!.status, 'succeeded');
        assert.equal(steps.get('forecast')!.status, 'succeeded');
        assert.equal(steps.get('summarise')!.status, 'failed');
        assert.equal(steps.get('summarise')!.attempt, 2);
        assert.equal(steps.get('report')!.status, 'skipped');
        assert.match(steps.get('report')!.error!, /summarise failed/);
        const tries = await db.pool.query<{ at: Date }>(`SELECT at FROM fixture_attempts WHERE step = 'summarise' ORDER BY at`);
        assert.equal(tries.rows.length, 2);
        const gap = tries.rows[1].at.getTime() - tries.rows[0].at.getTime();
        assert.ok(gap >= 150, `the retry waited for the backoff (at least 300 ms × (1 − jitter 0.5)), waited ${gap} ms`);

        const failed = await listFailedQueueJobs(workers.queues);
        const entry = failed.find((f) => f.id === stepJobId(runId, 'summarise'));
        assert.ok(entry, JSON.stringify(failed));
        assert.equal(entry.error, 'summarise told to fail');
        assert.equal(entry.attempts, 2);
        assert.ok(!failed.some((f) => f.step === 'report'), 'a blocked dependant is not a failure of its own');

        const cli = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'jobs', 'failed', '--json'], {
          cwd: ROOT,
          env: { ...process.env, REDIS_URL: MACHINE_REDIS_URL, DATABASE_URL: db.url, LOG_LEVEL: 'error' },
        });
        assert.ok((JSON.parse(cli.stdout) as Array<{ id: string }>).some((f) => f.id === entry.id), 'spirit-ml jobs failed shows it');

        await db.pool.query(`UPDATE fixture_control SET fail = false WHERE step = 'summarise'`);
        const retry = await retryFailedQueueJob(workers.queues, graph, services.state, MACHINE_REDIS_URL, entry.id);
        const retried = await waitForRun(services.state, retry.runId, { timeoutMs: 30_000, pollMs: 100 });
        assert.equal(retried.status, 'succeeded');
        assert.equal(retried.retryOf, runId);
        assert.deepEqual((await services.state.stepsOf(retry.runId)).map((s) => s.step).sort(), ['report', 'summarise']);
        assert.ok(!(await listFailedQueueJobs(workers.queues)).some((f) => f.id === entry.id), 'the retried job left the failed list');
        assert.deepEqual((await services.state.unresolvedFailures()).map((f) => f.step), []);
      } finally {
        await workers.close();
      }
    });

    it('a run whose orchestrator wakes while PostgreSQL is away reaches its end by itself once it is back', async () => {
      await db.pool.query(`UPDATE fixture_control SET fail = false, batch_delay_ms = 0`);
      // The workers reach PostgreSQL through a relay that is closed (and their connections cut) when the run is queued.
      const relayPort = await freePort();
      let relay = await openRelay(relayPort, new URL(db.url));
      const relayed = new URL(relayedUrl(db.url, relayPort));
      relayed.searchParams.set('application_name', 'relayed_worker');
      const workerPool = new pg.Pool({ connectionString: relayed.toString(), max: 4 });
      workerPool.on('error', () => undefined);
      const workerServices = await openStepServices(testConfig(), quietLog, { pg: workerPool });
      process.env.DATABASE_URL = relayed.toString();
      const workers = startPipelineWorkers(graph, workerServices, { redisUrl: MACHINE_REDIS_URL, queues: PIPELINE_QUEUES, lockDurationMs: 5000 });
      try {
        await workerPool.query('SELECT 1');
        await new Promise<void>((resolve) => relay.close(() => resolve()));
        await db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'relayed_worker'`);
        const { runId } = await enqueueRun(graph, services.state, MACHINE_REDIS_URL, { retry: { attempts: 2, delayMs: 300, jitter: 0.5 } });
        await new Promise((resolve) => setTimeout(resolve, 4000));
        assert.equal((await services.state.run(runId))!.status, 'queued', 'nothing could start while PostgreSQL was away');
        // By now the first steps have failed both their attempts, and the run's job woke to a database it could
        // not write to. Once PostgreSQL is back, the run ends by itself, those failures recorded.
        relay = await openRelay(relayPort, new URL(db.url));
        const run = await waitForRun(services.state, runId, { timeoutMs: 90_000, pollMs: 200 });
        assert.equal(run.status, 'failed');
        const steps = await services.state.stepsOf(runId);
        assert.ok(steps.every((step) => step.status === 'failed' || step.status === 'skipped'), JSON.stringify(steps.map((x) => [x.step, x.status])));
        assert.ok(steps.some((step) => step.status === 'failed'));
      } finally {
        await workers.close();
        await workerServices.close();
        await workerPool.end();
        relay.close();
        delete process.env.DATABASE_URL;
      }
    });
  });
}

describe('pipeline schedules on Redis', { skip: redisSkip }, () => {
  after(() => obliterateQueues());

  it('registers each schedule once however often processes start, and follows configuration changes', async () => {
    await obliterateQueues();
    const first = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
    const second = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
    try {
      const schedules = pipelineSchedules({});
      for (let i = 0; i < 3; i++) await upsertSchedules(first.runs, schedules);
      await Promise.all([upsertSchedules(first.runs, schedules), upsertSchedules(second.runs, schedules)]);
      const registered = (await first.runs.getJobSchedulers()).sort((a, b) => a.key.localeCompare(b.key));
      assert.deepEqual(registered.map((s) => [s.key, s.pattern, s.tz]), [
        ['ingest', '0 */15 * * * *', 'America/Lima'],
        ['nightly', '0 0 2 * * *', 'America/Lima'],
      ]);
      assert.equal(await first.runs.getDelayedCount(), 2, 'one pending run per schedule');
      const nightly = registered.find((s) => s.key === 'nightly')!;
      const next = new Date(nightly.next!);
      assert.equal(next.getUTCHours(), 7, 'two in the morning in Lima is 07:00 UTC');

      await upsertSchedules(second.runs, pipelineSchedules({ PIPELINE_SCHEDULE_INGEST: 'off', PIPELINE_SCHEDULE_NIGHTLY: '0 30 3 * * *' }));
      const changed = await first.runs.getJobSchedulers();
      assert.deepEqual(changed.map((s) => [s.key, s.pattern]), [['nightly', '0 30 3 * * *']]);
      assert.equal(await first.runs.getDelayedCount(), 1);
    } finally {
      await Promise.all([...Object.values(first), ...Object.values(second)].map((q) => q.close()));
    }
  });

  it('registers the schedules again when Redis has lost them, while the scheduler keeps running', async () => {
    await obliterateQueues();
    const queues = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
    let registrations = 0;
    const upsert = queues.runs.upsertJobScheduler.bind(queues.runs);
    queues.runs.upsertJobScheduler = (...args: Parameters<typeof upsert>) => (registrations++, upsert(...args));
    const stop = await keepSchedules(queues.runs, pipelineSchedules({}), quietLog, 200);
    try {
      assert.equal((await queues.runs.getJobSchedulers()).length, 2);
      // Held as configured: left alone, since registering again would replace a run that is due and not yet taken.
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(registrations, 2, 'registered once each');
      // What a Redis restarted without its data holds: nothing.
      await queues.runs.obliterate({ force: true });
      assert.equal((await queues.runs.getJobSchedulers()).length, 0);
      const deadline = Date.now() + 10_000;
      while ((await queues.runs.getJobSchedulers()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual((await queues.runs.getJobSchedulers()).map((s) => s.key).sort(), ['ingest', 'nightly']);
      assert.equal(await queues.runs.getDelayedCount(), 2, 'one pending run per schedule, not more');
    } finally {
      stop();
      await Promise.all(Object.values(queues).map((q) => q.close()));
    }
  });

  it('rejects a bad cron pattern or time zone naming the setting', () => {
    assert.throws(() => pipelineSchedules({ PIPELINE_SCHEDULE_INGEST: 'every quarter hour' }), (e: unknown) => e instanceof InputError && e.field === 'PIPELINE_SCHEDULE_INGEST');
    assert.throws(() => pipelineSchedules({ PIPELINE_TIMEZONE: 'Mars/Olympus' }), (e: unknown) => e instanceof InputError && e.field === 'PIPELINE_TIMEZONE');
    // Well formed but out of range: refused here, not thrown by the worker that registers it.
    assert.throws(() => pipelineSchedules({ PIPELINE_SCHEDULE_NIGHTLY: '0 0 25 * * *' }), (e: unknown) => e instanceof InputError && e.field === 'PIPELINE_SCHEDULE_NIGHTLY');
    assert.throws(() => pipelineSchedules({ PIPELINE_SCHEDULE_NIGHTLY: '0 0 2 31 2 *' }), (e: unknown) => e instanceof InputError && e.field === 'PIPELINE_SCHEDULE_NIGHTLY');
    // The zone as cron's CRON_TZ finds it on disk, whatever the case it was typed in.
    assert.deepEqual(pipelineSchedules({ PIPELINE_TIMEZONE: 'america/lima' }).map((s) => s.tz), ['America/Lima', 'America/Lima']);
  });
});
