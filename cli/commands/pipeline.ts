import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, OptionSpec, ParsedArgs } from '../command.ts';
import type { Queue } from 'bullmq';
import type { Logger } from '../../platform/log.ts';
import { existingFile, intArg } from '../command.ts';
import { UsageError } from '../../platform/errors.ts';
import type { PipelineQueue } from '../../pipelines/runner/queues.ts';
import type { Step } from '../../pipelines/step.ts';
import { loadPipelineGraph } from '../../pipelines/graph.ts';
import { checkRetryPolicy, DEFAULT_RETRY, type RetryPolicy } from '../../pipelines/runner/retry-policy.ts';
import type { Selection } from '../../pipelines/runner/selection.ts';
import { selectSteps } from '../../pipelines/runner/selection.ts';
import { openStepServices, touchesClickHouse } from '../../pipelines/runner/step-services.ts';
import { migrate } from '../../domain/migrate.ts';
import { checkRunParams } from '../../pipelines/steps/support/run-params.ts';
import type { RunRecord, RunState, StepRecord } from '../../pipelines/runner/run-state.ts';
import { alignedTable } from './models.ts';

/**
 * `spirit-ml pipeline graph | run | status | schedules`: the nightly pipeline as a graph of steps. With REDIS_URL
 * a run is queued on BullMQ and executed by `spirit-ml worker` processes; without it, it runs in this process.
 */
const GRAPH_OPTION: OptionSpec = { type: 'string', description: 'Module exporting another list of steps to use as the graph (else PIPELINE_GRAPH, else the nightly graph)' };
const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'Print JSON instead of a table' };

async function graphFrom(args: ParsedArgs): Promise<Step[]> {
  const file = args.values.graph as string | undefined;
  if (file !== undefined) existingFile(file, '--graph', 'graph', 'give the module that exports the steps');
  // Children (sandboxed processors) read the graph from the environment.
  if (file) process.env.PIPELINE_GRAPH = file;
  return loadPipelineGraph(file, '--graph');
}

const PARAM = /^([A-Za-z][A-Za-z0-9_]*)=(.*)$/;

/** `--param name=value`: numbers and true/false become typed, the rest stays text. */
export function parseParams(raw: string[] | undefined): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {};
  for (const item of raw ?? []) {
    const m = PARAM.exec(item);
    if (!m) throw new UsageError(`--param must look like name=value, got "${item}"`, 'param');
    const value = m[2];
    params[m[1]] = value === 'true' ? true : value === 'false' ? false : value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  }
  return params;
}

function retryFrom(args: ParsedArgs): RetryPolicy {
  return checkRetryPolicy({
    attempts: intArg(args, 'attempts', { min: 1, max: 20, fallback: DEFAULT_RETRY.attempts }),
    delayMs: intArg(args, 'retry-delay', { min: 0, max: 3_600_000, fallback: DEFAULT_RETRY.delayMs }),
    jitter: DEFAULT_RETRY.jitter,
  });
}

function outputsText(outputs: StepRecord['outputs'] | undefined | null): string {
  if (!outputs) return '';
  return Object.entries(outputs)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(6)) : v}`)
    .join(' ');
}

function ago(date: Date | null | undefined): string {
  return date ? date.toISOString().slice(0, 19).replace('T', ' ') : '';
}

export const graphCommand: Command = {
  name: 'pipeline graph',
  summary: 'Print the pipeline: each step, what it runs after, reads and writes',
  options: { graph: GRAPH_OPTION, json: JSON_OPTION },
  async run(args, ctx) {
    const graph = await graphFrom(args);
    if (args.values.json) {
      ctx.out(JSON.stringify(graph.map((s) => ({ name: s.name, description: s.description, after: s.after, reads: s.reads, writes: s.writes, heavy: !!s.heavy, partitioned: !!s.partitions })), null, 2) + '\n');
      return;
    }
    if (graph.length === 0) {
      ctx.out('the pipeline has no steps yet\n');
      return;
    }
    const lines: string[] = [];
    for (const step of graph) {
      const flags = [step.heavy ? 'heavy: sandboxed' : '', step.partitions ? 'fanned out by partition' : ''].filter(Boolean).join(', ');
      lines.push(`${step.name}${flags ? `  [${flags}]` : ''}`);
      lines.push(`  ${step.description}`);
      lines.push(`  after:  ${step.after.join(', ') || '(first)'}`);
      lines.push(`  reads:  ${step.reads.join(' ') || '-'}`);
      lines.push(`  writes: ${step.writes.join(' ') || '-'}`);
      lines.push('');
    }
    ctx.out(lines.join('\n'));
  },
};

export const runCommand: Command = {
  name: 'pipeline run',
  summary: 'Run the pipeline, or part of it (--from STEP, --only STEP)',
  options: {
    from: { type: 'string', description: 'Run this step and every step after it' },
    only: { type: 'string', multiple: true, description: 'Run only this step (repeatable); its upstream outputs are used as they are' },
    param: { type: 'string', multiple: true, description: 'A run parameter name=value, passed to every step (repeatable)' },
    attempts: { type: 'string', description: 'Tries per step before it counts as failed', default: String(DEFAULT_RETRY.attempts) },
    'retry-delay': { type: 'string', description: 'Milliseconds before the first retry; doubles each time, half of it random', default: String(DEFAULT_RETRY.delayMs) },
    detach: { type: 'boolean', description: 'With REDIS_URL: queue the run and return at once, without waiting for it' },
    timeout: { type: 'string', description: 'With REDIS_URL: seconds to wait for the run before giving up (0 = no limit)', default: '0' },
    graph: GRAPH_OPTION,
    json: JSON_OPTION,
  },
  details:
    'Without REDIS_URL the steps run here, one after another. With REDIS_URL the run is queued as a BullMQ flow and\n' +
    'executed by `spirit-ml worker` processes; this command waits for it unless --detach. Exit code 1 when a step failed.',
  async run(args, ctx) {
    const graph = await graphFrom(args);
    const selection: Selection = { from: args.values.from as string | undefined, only: args.values.only as string[] | undefined };
    const selected = selectSteps(graph, selection);
    const params = parseParams(args.values.param as string[] | undefined);
    // A graph of one's own (--graph, PIPELINE_GRAPH) may take parameters of its own; the nightly graph's are known.
    if (!process.env.PIPELINE_GRAPH?.trim()) checkRunParams(params);
    const retry = retryFrom(args);
    const timeoutSeconds = intArg(args, 'timeout', { min: 0, max: 7 * 86_400, fallback: 0 });
    const services = await openStepServices(ctx.config, ctx.log, { migrate });
    try {
      let runId: string;
      if (ctx.config.redisUrl) {
        const { enqueueRun, waitForRun } = await import('../../pipelines/runner/bullmq-runner.ts');
        ({ runId } = await enqueueRun(graph, services.state, ctx.config.redisUrl, { selection, params, retry }));
        if (args.values.detach) {
          ctx.out(args.values.json ? JSON.stringify({ runId, status: 'queued' }) + '\n' : `run ${runId} queued\n`);
          return 0;
        }
        ctx.log.info('run queued; waiting for the workers', { runId });
        await waitForRun(services.state, runId, { ...(timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {}), pollMs: 1000, onPoll: progressOf(services.state, runId, ctx.log) });
      } else {
        // The steps run in this process: an embedded ClickHouse held by another one (npm start, a worker) is said
        // at once, before a run is recorded, rather than as each step failing its attempts, listed by `jobs failed`.
        if (selected.some(touchesClickHouse)) await services.clickhouse();
        const { runPipelineInProcess } = await import('../../pipelines/runner/in-process-runner.ts');
        ({ runId } = await runPipelineInProcess(graph, services, { selection, params, retry }));
      }
      const run = (await services.state.run(runId))!;
      const steps = await services.state.stepsOf(runId);
      if (args.values.json) {
        ctx.out(JSON.stringify({ runId, status: run.status, steps }, null, 2) + '\n');
      } else {
        ctx.out(`run ${runId} ${run.status} (${run.runner})\n`);
        ctx.out(alignedTable(['STEP', 'STATUS', 'ATTEMPT', 'SECONDS', 'OUTPUTS / ERROR'], steps.map((s) => [
          s.step, s.status, String(s.attempt), s.seconds === null ? '' : s.seconds.toFixed(2), s.status === 'succeeded' ? outputsText(s.outputs) : (s.error ?? ''),
        ])));
      }
      return run.status === 'succeeded' ? 0 : 1;
    } finally {
      await services.close();
    }
  },
};

export const statusCommand: Command = {
  name: 'pipeline status',
  summary: 'Each step: last run, duration, outputs, and whether it is stale (an input changed since)',
  options: { graph: GRAPH_OPTION, json: JSON_OPTION },
  async run(args, ctx) {
    const graph = await graphFrom(args);
    const services = await openStepServices(ctx.config, ctx.log, { migrate });
    try {
      const { pipelineStatus } = await import('../../pipelines/runner/pipeline-status.ts');
      const report = await pipelineStatus(graph, services);
      if (args.values.json) {
        ctx.out(JSON.stringify(report, null, 2) + '\n');
        return;
      }
      ctx.out(alignedTable(['STEP', 'LAST RUN (UTC)', 'STATUS', 'SECONDS', 'OUTPUTS', 'STALE'], report.map((r) => [
        r.step,
        ago(r.lastRun?.startedAt ?? r.lastRun?.finishedAt),
        r.lastRun ? (r.lastRun.status === 'failed' ? `failed: ${r.lastRun.error ?? ''}`.slice(0, 60) : r.lastRun.status) : 'never run',
        r.lastRun?.seconds == null ? '' : r.lastRun.seconds.toFixed(1),
        outputsText(r.lastSuccess?.outputs),
        r.stale ? `yes: ${r.reasons.join('; ')}` : 'no',
      ])));
    } finally {
      await services.close();
    }
  },
};

export const schedulesCommand: Command = {
  name: 'pipeline schedules',
  summary: 'Show the pipeline schedules; with REDIS_URL, register them as BullMQ job schedulers (--apply)',
  options: { apply: { type: 'boolean', description: 'Register (upsert) the schedules on Redis; safe to repeat' } },
  details:
    'Schedules come from PIPELINE_SCHEDULE_INGEST, PIPELINE_SCHEDULE_NIGHTLY (cron with seconds, or off) and\n' +
    'PIPELINE_TIMEZONE (default America/Lima). Without REDIS_URL they are printed as crontab lines to install.',
  async run(args, ctx) {
    const { pipelineSchedules, upsertSchedules, crontabLines } = await import('../../pipelines/runner/schedules.ts');
    const schedules = pipelineSchedules();
    if (!ctx.config.redisUrl) {
      if (args.values.apply) throw new UsageError('--apply registers the schedules on Redis, and REDIS_URL is not set: set it, or install the crontab lines printed without --apply', 'apply');
      ctx.out('# No REDIS_URL: nothing holds the schedules; install these lines in a crontab instead (`crontab -e`).\n');
      ctx.out('# cron starts them without your shell: this checkout, its data directory and node are named in full; set any\n');
      ctx.out('# server variables this deployment uses (DATABASE_URL, CLICKHOUSE_URL…) above them.\n');
      ctx.out(crontabLines(schedules, cronCommand(ctx.config.dataDir)).join('\n') + '\n');
      return;
    }
    if (args.values.apply) {
      await withQueues(ctx.config.redisUrl, ctx.log, (queues) => upsertSchedules(queues.runs, schedules));
    }
    const registered = await withQueues(ctx.config.redisUrl, ctx.log, (queues) => queues.runs.getJobSchedulers());
    ctx.out(alignedTable(['ID', 'CRON', 'TIME ZONE', 'NEXT RUN (UTC)'], registered.map((s) => [
      s.key, s.pattern ?? `every ${s.every} ms`, s.tz ?? '', s.next ? new Date(s.next).toISOString().slice(0, 19).replace('T', ' ') : '',
    ])));
    if (registered.length === 0) ctx.out(`none registered${args.values.apply ? '' : ' (use --apply, or start a worker serving the runs queue)'}\n`);
  },
};

/** A shell word in single quotes: paths with spaces or quotes stay one word in a crontab line. */
const shellWord = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * `spirit-ml pipeline run` as cron can run it: cron has neither this shell's PATH nor its directory, so the line names
 * node, this checkout's entry point and the data directory in full (a bare `spirit-ml` was not found, and would have
 * used ./.spirit-ml of the crontab's home).
 */
function cronCommand(dataDir: string): string {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const entry = path.join(root, 'bin', 'spirit-ml.js');
  return `cd ${shellWord(root)} && SPIRIT_DATA_DIR=${shellWord(dataDir)} ${shellWord(process.execPath)} --no-memory-reducer ${shellWord(entry)} pipeline run`;
}

/** How long a queued run may wait for a worker before the one waiting is told that none may be serving. */
const NO_WORKER_WARNING_MS = 30_000;

/**
 * Progress of a run on the workers, for the one waiting: each step as its state changes, and a warning when no
 * worker has started the run after NO_WORKER_WARNING_MS.
 */
function progressOf(state: RunState, runId: string, log: Logger): (run: RunRecord) => Promise<void> {
  const queuedAt = Date.now();
  const seen = new Map<string, string>();
  let warned = false;
  return async (run) => {
    if (run.status === 'queued' && !warned && Date.now() - queuedAt > NO_WORKER_WARNING_MS) {
      warned = true;
      log.warn(`no worker has started run ${runId} after ${NO_WORKER_WARNING_MS / 1000} s: is \`spirit-ml worker\` serving the runs queue on this Redis (REDIS_URL, BULLMQ_PREFIX)?`, { runId });
    }
    for (const step of await state.stepsOf(runId)) {
      if (seen.get(step.step) === step.status) continue;
      seen.set(step.step, step.status);
      if (step.status !== 'pending') log.info(`step ${step.step} ${step.status}`, { runId, attempt: step.attempt, ...(step.error ? { error: step.error } : {}) });
    }
  };
}

async function withQueues<T>(redisUrl: string, log: Logger, use: (queues: Record<PipelineQueue, Queue>) => Promise<T>): Promise<T> {
  const { openPipelineQueues } = await import('../../pipelines/runner/pipeline-workers.ts');
  const queues = openPipelineQueues(redisUrl, log);
  try {
    return await use(queues);
  } finally {
    await Promise.all(Object.values(queues).map((q) => q.close()));
  }
}
