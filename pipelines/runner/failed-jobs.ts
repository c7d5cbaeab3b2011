import type { Job, Queue } from 'bullmq';
import { NotFoundError } from '../../platform/errors.ts';
import type { Step } from '../step.ts';
import { enqueueRun } from './bullmq-runner.ts';
import { runPipelineInProcess } from './in-process-runner.ts';
import type { RunState } from './run-state.ts';
import type { StepServices } from './step-services.ts';
import { parseStepJobId, PIPELINE_QUEUES, stepJobId, type PipelineQueue } from './queues.ts';

/** A step that failed for good, as `spirit-ml jobs failed` and the admin API show it. */
export interface FailedJob {
  /** `<run id>-<step>`: what `jobs retry` takes. */
  id: string;
  queue: PipelineQueue | 'in-process';
  runId: string;
  step: string;
  partition?: string;
  error: string;
  attempts: number;
  failedAt: string | null;
}

function failedJob(queue: PipelineQueue, job: Job): FailedJob | undefined {
  const data = job.data as { runId?: string; step?: string; partition?: string };
  if (queue === 'runs') {
    return { id: job.id!, queue, runId: data.runId ?? '', step: '(run)', error: job.failedReason, attempts: job.attemptsMade, failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null };
  }
  if (!data.runId || !data.step) return undefined;
  return {
    id: job.id!,
    queue,
    runId: data.runId,
    step: data.step,
    ...(data.partition !== undefined ? { partition: data.partition } : {}),
    error: job.failedReason,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
  };
}

/** The failed sets of the pipeline queues, newest first. */
export async function listFailedQueueJobs(queues: Record<PipelineQueue, Queue>, limit = 50): Promise<FailedJob[]> {
  const all: FailedJob[] = [];
  for (const queue of PIPELINE_QUEUES) {
    for (const job of await queues[queue].getFailed(0, limit - 1)) {
      const entry = job && failedJob(queue, job);
      if (entry) all.push(entry);
    }
  }
  return all.sort((a, b) => (b.failedAt ?? '').localeCompare(a.failedAt ?? '')).slice(0, limit);
}

/** Without Redis: the steps whose last run failed and has not been followed by a success. */
export async function listFailedSteps(state: RunState, limit = 50): Promise<FailedJob[]> {
  return (await state.unresolvedFailures(limit)).map((r) => ({
    id: stepJobId(r.runId, r.step),
    queue: 'in-process',
    runId: r.runId,
    step: r.step,
    error: r.error ?? '',
    attempts: r.attempt,
    failedAt: r.finishedAt?.toISOString() ?? null,
  }));
}

/**
 * Retries a failed step by hand: a new run from that step, so the dependants it stopped run too once it
 * succeeds (the failed run's parent has moved on and would not run them). The failed job leaves the failed set:
 * the new run carries on its story (retry_of). A failed orchestrator job is retried as it is.
 */
export async function retryFailedQueueJob(
  queues: Record<PipelineQueue, Queue>,
  graph: readonly Step[],
  state: RunState,
  redisUrl: string,
  id: string,
): Promise<{ runId: string }> {
  for (const queue of PIPELINE_QUEUES) {
    const job = await queues[queue].getJob(id);
    if (!job || !(await job.isFailed())) continue;
    if (queue === 'runs') {
      await job.retry('failed');
      return { runId: (job.data as { runId?: string }).runId ?? id };
    }
    const { runId, step } = job.data as { runId: string; step: string };
    const queued = await enqueueRun(graph, state, redisUrl, { selection: { from: step }, trigger: 'retry', retryOf: runId, params: (job.data as { params?: Record<string, string> }).params ?? {} });
    await job.remove().catch(() => undefined);
    // A failed partition failed its step's job too: both are answered by the new run.
    if (queue === 'partitions') {
      const stepJob = await queues.steps.getJob(stepJobId(runId, step));
      if (stepJob && (await stepJob.isFailed())) await stepJob.remove().catch(() => undefined);
    }
    return { runId: queued.runId };
  }
  throw new NotFoundError(`no failed job ${id} in the pipeline queues (spirit-ml jobs failed lists them)`, 'id');
}

/** Without Redis: re-run a failed step and what depends on it, here and now. */
export async function retryFailedStepInProcess(graph: readonly Step[], services: StepServices, id: string) {
  const parsed = parseStepJobId(id);
  const failure = parsed && (await services.state.unresolvedFailures(1000)).find((f) => f.runId === parsed.runId && f.step === parsed.step);
  if (!parsed || !failure) throw new NotFoundError(`no unresolved failed step ${id} (spirit-ml jobs failed lists them)`, 'id');
  const run = await services.state.run(parsed.runId);
  return runPipelineInProcess(graph, services, { selection: { from: parsed.step }, trigger: 'retry', retryOf: parsed.runId, params: run?.params ?? {} });
}
