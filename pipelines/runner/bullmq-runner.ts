import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowProducer } from 'bullmq';
import type { Step, StepContext } from '../step.ts';
import { SpiritError } from '../../platform/errors.ts';
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
}

/**
 * Queues a run on BullMQ as a flow: the run's parent job on `runs` with the first steps (those that need no other
 * step of the run) as its children. The parent adds the later steps itself as their upstream finish
 * (run-orchestrator.ts). The run is recorded as queued before the flow exists, so it is never invisible.
 */
export async function enqueueRun(graph: readonly Step[], state: RunState, redisUrl: string, opts: EnqueueOptions = {}): Promise<{ runId: string; jobId: string }> {
  const steps = selectSteps(graph, opts.selection ?? {});
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
  const flow = new FlowProducer({ connection: redisConnection(redisUrl), prefix: queuePrefix() });
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
  } finally {
    await flow.close();
  }
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
