import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowProducer } from 'bullmq';
import type { Step, StepContext } from '../step.ts';
import { SpiritError } from '../../platform/errors.ts';
import { redactUrl } from '../../platform/redact-url.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.ts';
import type { RunRecord, RunState } from './run-state.ts';
import { selectSteps, type Selection } from './selection.ts';
import { queueOfStep, stepJobOptions } from './run-orchestrator.ts';
import { queuePrefix, KEEP_JOBS, queueName, redisConnection, RUN_JOB_RETRY, runJobId, type RunJobData, type StepJobData } from './queues.ts';

export interface EnqueueOptions {
  selection?: Selection;
  params?: StepContext['params'];
  trigger?: RunRecord['trigger'];
  retryOf?: string;
  retry?: RetryPolicy;
  /** How long to wait for Redis before refusing (REDIS_READY_MS). */
  redisReadyMs?: number;
}

/**
 * Queues a run on BullMQ as a flow: the run's parent job on `runs` with the first steps (those that need no other
 * step of the run) as its children. The parent adds the later steps itself as their upstream finish
 * (run-orchestrator.ts). The run is recorded as queued before the flow exists, so it is never invisible.
 */
export async function enqueueRun(graph: readonly Step[], state: RunState, redisUrl: string, opts: EnqueueOptions = {}): Promise<{ runId: string; jobId: string }> {
  const steps = selectSteps(graph, opts.selection ?? {});
  const flow = await reachableFlowProducer(redisUrl, opts.redisReadyMs);
  const runId = crypto.randomUUID();
  const retry = opts.retry ?? DEFAULT_RETRY;
  const params = opts.params ?? {};
  const selection = opts.selection ?? {};
  await state.createRun({
    id: runId,
    trigger: opts.trigger ?? 'manual',
    runner: 'bullmq',
    selection: { ...selection, steps: steps.map((s) => s.name) },
    params,
    status: 'queued',
    retryOf: opts.retryOf ?? null,
  });
  const data: RunJobData = { runId, selection, params, trigger: opts.trigger ?? 'manual', retry };
  try {
    const node = await flow.add({
      name: 'run',
      queueName: queueName('runs'),
      data,
      opts: { jobId: runJobId(runId), ...KEEP_JOBS, ...RUN_JOB_RETRY },
      children: steps
        .filter((s) => s.after.length === 0)
        .map((s) => {
          const stepData: StepJobData = { runId, step: s.name, params, retry };
          return { name: 'step', queueName: queueName(queueOfStep(s)), data: stepData, opts: stepJobOptions(runId, s.name, stepData) };
        }),
    });
    return { runId, jobId: node.job.id! };
  } catch (err) {
    // No job holds the run: recorded as failed (its steps never ran), not left queued for good.
    await state.finishRun(runId).catch(() => undefined);
    throw err;
  } finally {
    await flow.close();
  }
}

/** How long a command that queues a run waits for Redis before saying it cannot reach it. */
export const REDIS_READY_MS = 15_000;

/**
 * A FlowProducer whose connection is up. Queue connections wait for Redis however long it is away (workers must),
 * so `pipeline run` against an unreachable Redis or with a wrong password waited forever and silently, leaving its
 * run `queued`. Here the wait is bounded, before anything is recorded, and the error says why with the URL masked.
 */
async function reachableFlowProducer(redisUrl: string, readyMs = REDIS_READY_MS): Promise<FlowProducer> {
  const flow = new FlowProducer({ connection: redisConnection(redisUrl), prefix: queuePrefix() });
  let lastError = '';
  flow.on('error', (err: Error) => {
    lastError = err.message;
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), readyMs);
  });
  const ready = await Promise.race([flow.waitUntilReady().then(() => 'ready' as const), timedOut]).finally(() => clearTimeout(timer));
  if (ready === 'ready') return flow;
  // close() gives up the reconnecting connection (disconnect() waits for a connection that never comes).
  await Promise.race([flow.close(), sleep(1_000)]).catch(() => undefined);
  throw new SpiritError(
    'redis_unreachable',
    `cannot reach Redis at ${redactUrl(redisUrl)} within ${readyMs / 1000} s${lastError ? ` (${lastError})` : ''}; check REDIS_URL and that Redis is up, or unset REDIS_URL to run the pipeline in-process`,
  );
}

/**
 * Waits until a queued run has finished (any runner records the end in PostgreSQL). `onPoll` sees the run at each
 * poll while it is not finished, for progress.
 */
export async function waitForRun(state: RunState, runId: string, opts: { timeoutMs?: number; pollMs?: number; onPoll?: (run: RunRecord) => Promise<void> } = {}): Promise<RunRecord> {
  const deadline = Date.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  for (;;) {
    const run = await state.run(runId);
    if (!run) throw new SpiritError('pipeline_run_unknown', `no pipeline run ${runId}`);
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    await opts.onPoll?.(run);
    if (Date.now() > deadline) throw new SpiritError('pipeline_run_timeout', `run ${runId} is still ${run.status}; is a worker serving the pipeline queues? (spirit-ml worker)`);
    await sleep(opts.pollMs ?? 500);
  }
}
