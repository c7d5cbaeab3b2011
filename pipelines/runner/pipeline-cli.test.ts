import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { migrate } from '../../domain/migrate.ts';
import { freshDatabase, MACHINE_PG_URL, MACHINE_REDIS_URL, postgresTargets, quietLog, serviceSkipReason, tempDir, type TestDatabase } from '../../test/support/services.ts';
import { createFixtureTables } from './fixtures/sales-graph.ts';
import { openPipelineQueues } from './pipeline-workers.ts';

/** `spirit-ml pipeline …` and `jobs failed` as a person runs them (in process: no REDIS_URL). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GRAPH = fileURLToPath(new URL('./fixtures/sales-graph.ts', import.meta.url));

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: '', LOG_LEVEL: 'error', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('spirit-ml pipeline graph', () => {
  it('prints each step with what it runs after, reads and writes, and how it runs', async () => {
    const { code, stdout } = await cli(['pipeline', 'graph', '--graph', GRAPH], {});
    assert.equal(code, 0);
    assert.match(stdout, /^build {2}\[heavy: sandboxed\]$/m);
    assert.match(stdout, /^forecast {2}\[heavy: sandboxed, fanned out by partition\]$/m);
    assert.match(stdout, /after: {2}build, forecast\n {2}reads: {2}pg:sales_build pg:sales_forecast/);
  });
});

describe('spirit-ml pipeline run --param', () => {
  it('refuses, before any step runs, a parameter the nightly pipeline does not take or a value out of its range', async () => {
    const env = { SPIRIT_DATA_DIR: tempDir('pipeline-params'), PIPELINE_GRAPH: '' };
    const misspelt = await cli(['pipeline', 'run', '--only', 'train-nlu', '--param', 'nluMesagesPerIntent=20'], env);
    assert.equal(misspelt.code, 2, misspelt.stderr);
    assert.match(misspelt.stderr, /parameter nluMesagesPerIntent is not one of this pipeline's: .*nluMessagesPerIntent/);
    const outOfRange = await cli(['pipeline', 'run', '--only', 'train-price', '--param', 'priceTrees=5'], env);
    assert.equal(outOfRange.code, 2, outOfRange.stderr);
    assert.match(outOfRange.stderr, /parameter priceTrees must be a whole number from 10 to 2000, got 5/);
    const badDate = await cli(['pipeline', 'run', '--only', 'build-features', '--param', 'asOf=yesterday'], env);
    assert.equal(badDate.code, 2, badDate.stderr);
    assert.match(badDate.stderr, /parameter asOf must be a date/);
  });

  it('refuses a graph module that does not exist, naming the flag or the variable', async () => {
    const flag = await cli(['pipeline', 'graph', '--graph', '/tmp/no-such-graph.ts'], {});
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--graph \/tmp\/no-such-graph.ts does not exist/);
    const variable = await cli(['pipeline', 'graph'], { PIPELINE_GRAPH: '/tmp/no-such-graph.ts' });
    assert.equal(variable.code, 2, variable.stderr);
    assert.match(variable.stderr, /PIPELINE_GRAPH names \/tmp\/no-such-graph.ts, which does not exist/);
  });

  it('refuses a folder or a file that is no module as the graph, naming the flag, without a stack trace', async () => {
    // Each crashed with exit 1 and a stack trace (ERR_UNSUPPORTED_DIR_IMPORT, ERR_UNKNOWN_FILE_EXTENSION).
    const folder = await cli(['pipeline', 'graph', '--graph', 'pipelines'], {});
    assert.equal(folder.code, 2, folder.stderr);
    assert.match(folder.stderr, /--graph pipelines is not a file/);
    const notModule = await cli(['pipeline', 'graph', '--graph', 'models/demand/fixtures/monthly_in.csv'], {});
    assert.equal(notModule.code, 2, notModule.stderr);
    assert.match(notModule.stderr, /--graph models\/demand\/fixtures\/monthly_in.csv could not be loaded as a module of steps/);
    const noSteps = await cli(['pipeline', 'graph', '--graph', 'package.json'], {});
    assert.equal(noSteps.code, 2, noSteps.stderr);
    assert.match(noSteps.stderr, /--graph package.json exports no list of pipeline steps/);
    for (const result of [folder, notModule, noSteps]) assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });
});

for (const target of await postgresTargets()) {
  describe(`spirit-ml pipeline run / status on ${target.name} PostgreSQL`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let env: Record<string, string>;
    before(async () => {
      db = await freshDatabase(target.baseUrl!, 'pipeline_cli');
      await migrate(db.pool, quietLog);
      await createFixtureTables(db.pool);
      env = { DATABASE_URL: db.url, SPIRIT_DATA_DIR: tempDir('pipeline-cli') };
    });
    after(async () => db?.drop());

    it('runs part of the graph, shows it in status, and lists a failed step', async () => {
      const run = await cli(['pipeline', 'run', '--graph', GRAPH, '--only', 'extract', '--json'], env);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as { status: string; steps: Array<{ step: string; status: string; outputs: Record<string, number> }> };
      assert.equal(report.status, 'succeeded');
      assert.deepEqual(report.steps.map((s) => [s.step, s.status, s.outputs.rows]), [['extract', 'succeeded', 30]]);

      await db.pool.query(`UPDATE fixture_control SET fail = true WHERE step = 'build'`);
      const failing = await cli(['pipeline', 'run', '--graph', GRAPH, '--from', 'build', '--attempts', '1'], env);
      assert.equal(failing.code, 1, 'exit 1 when a step failed');
      assert.match(failing.stdout, /^build +failed +1 +\S+ +build told to fail$/m);
      assert.match(failing.stdout, /^summarise +skipped .*not run: build failed$/m);

      const status = await cli(['pipeline', 'status', '--graph', GRAPH, '--json'], env);
      assert.equal(status.code, 0, status.stderr);
      const steps = new Map((JSON.parse(status.stdout) as Array<{ step: string; stale: boolean; reasons: string[]; lastRun?: { status: string } }>).map((s) => [s.step, s]));
      assert.equal(steps.get('extract')!.stale, false);
      assert.equal(steps.get('build')!.lastRun!.status, 'failed');
      assert.deepEqual(steps.get('build')!.reasons, ['never succeeded']);

      const failed = await cli(['jobs', 'failed', '--json'], env);
      assert.deepEqual((JSON.parse(failed.stdout) as Array<{ step: string; error: string }>).map((f) => [f.step, f.error]), [['build', 'build told to fail']]);
    });

    it('says at once that the embedded ClickHouse is held by another process, recording no run and no failed job', async () => {
      // What npm start leaves while it serves: chDB's status file naming a live process (this test's).
      const dataDir = tempDir('pipeline-cli-held');
      fs.mkdirSync(path.join(dataDir, 'clickhouse'), { recursive: true });
      fs.writeFileSync(path.join(dataDir, 'clickhouse', 'status'), `PID: ${process.pid}\nStarted at: now\n`);
      const runsBefore = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_runs')).rows[0].n;
      const held = await cli(['pipeline', 'run', '--only', 'build-features'], { ...env, SPIRIT_DATA_DIR: dataDir, PIPELINE_GRAPH: '' });
      assert.equal(held.code, 1, held.stderr);
      assert.match(held.stderr, /the embedded ClickHouse under .* is open in another spirit-ml process/);
      const runsAfter = (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_runs')).rows[0].n;
      assert.equal(runsAfter, runsBefore, 'no run recorded: nothing ran');
    });

    it('refuses an unknown step with exit 2, naming the option', async () => {
      const { code, stderr } = await cli(['pipeline', 'run', '--graph', GRAPH, '--from', 'nope'], env);
      assert.equal(code, 2);
      assert.match(stderr, /--from: no step named "nope"/);
    });
  });
}

describe('spirit-ml pipeline schedules without Redis', () => {
  it('prints crontab lines that run from cron\'s bare environment, and refuses --apply naming REDIS_URL', async () => {
    const dataDir = tempDir("schedules data's dir");
    const { code, stdout } = await cli(['pipeline', 'schedules'], { SPIRIT_DATA_DIR: dataDir });
    assert.equal(code, 0);
    const lines = stdout.split('\n').filter((l) => /^[*0-9]/.test(l));
    assert.equal(lines.length, 2, stdout);
    const nightly = lines.find((l) => l.startsWith('0 2 * * * '))!;
    assert.ok(nightly, stdout);
    // The command as cron runs it (sh, no PATH of ours, another directory), asking for the graph instead of a run.
    const command = nightly.slice('0 2 * * * '.length).replace(/ pipeline run.*$/, ' pipeline graph');
    const { stdout: graph } = await promisify(execFile)('/bin/sh', ['-c', command], { cwd: '/', env: { PATH: '/usr/bin:/bin', HOME: dataDir } });
    assert.match(graph, /^train-recommender/m);
    assert.ok(nightly.includes(`SPIRIT_DATA_DIR='${dataDir.replace(/'/g, `'\\''`)}'`), nightly);

    const apply = await cli(['pipeline', 'schedules', '--apply'], { SPIRIT_DATA_DIR: dataDir });
    assert.equal(apply.code, 2, apply.stderr);
    assert.match(apply.stderr, /--apply registers the schedules on Redis, and REDIS_URL is not set/);
  });
});

describe('spirit-ml worker on embedded stores', () => {
  it('refuses pipeline queues without DATABASE_URL, and sandboxed ClickHouse steps without CLICKHOUSE_URL, before connecting to anything', async () => {
    const base = { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: '', CLICKHOUSE_URL: '', SPIRIT_DATA_DIR: tempDir('worker-embedded') };
    const noPostgres = await cli(['worker', '--schedules', 'off'], base);
    assert.equal(noPostgres.code, 2, noPostgres.stderr);
    assert.match(noPostgres.stderr, /DATABASE_URL is not set: pipeline workers share the booking system/);
    // The nightly graph's training steps run in child processes and read ClickHouse; the embedded one is one process's.
    const noClickHouse = await cli(['worker', '--schedules', 'off'], { ...base, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    assert.equal(noClickHouse.code, 2, noClickHouse.stderr);
    assert.match(noClickHouse.stderr, /CLICKHOUSE_URL is not set: .*train-demand.* run in child processes/);
  });
});

const redisSkip = await serviceSkipReason('Redis', MACHINE_REDIS_URL);
const pgSkip = await serviceSkipReason('PostgreSQL', MACHINE_PG_URL);

describe('spirit-ml pipeline run on BullMQ with no worker', { skip: redisSkip ?? pgSkip }, () => {
  let db: TestDatabase;
  before(async () => {
    db = await freshDatabase(MACHINE_PG_URL, 'pipeline_no_worker');
    await migrate(db.pool, quietLog);
    await createFixtureTables(db.pool);
  });
  const prefix = `spirit-no-worker-${process.pid}`;
  after(async () => {
    // The run left queued: its keys go with the test.
    const kept = process.env.BULLMQ_PREFIX;
    process.env.BULLMQ_PREFIX = prefix;
    const queues = openPipelineQueues(MACHINE_REDIS_URL, quietLog);
    if (kept === undefined) delete process.env.BULLMQ_PREFIX;
    else process.env.BULLMQ_PREFIX = kept;
    for (const queue of Object.values(queues)) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    await db?.drop();
  });

  it('warns that no worker has started the run, then stops at its --timeout naming the run', async () => {
    const env = { DATABASE_URL: db.url, REDIS_URL: MACHINE_REDIS_URL, BULLMQ_PREFIX: prefix, SPIRIT_DATA_DIR: tempDir('pipeline-no-worker'), LOG_LEVEL: 'info', LOG_FORMAT: 'json' };
    const run = await cli(['pipeline', 'run', '--graph', GRAPH, '--only', 'extract', '--timeout', '33'], env);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /no worker has started run \S+ after 30 s: is `spirit-ml worker` serving the runs queue/);
    assert.match(run.stderr, /is still queued; is a worker serving the pipeline queues/);
  });
});
