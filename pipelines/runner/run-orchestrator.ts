import crypto from 'node:crypto';
import { WaitingChildrenError, type Job, type JobsOptions, type Queue } from 'bullmq';
import type { Step } from '../step.ts';
import { bullmqRetryOptions } from './retry-policy.ts';
import { selectSteps } from './selection.ts';
import type { StepServices } from './step-services.ts';
import { KEEP_JOBS, parseStepJobId, stepJobId, type PipelineQueue, type RunJobData, type StepJobData } from './queues.ts';

export interface PipelineDeps {
  graph: readonly Step[];
  services: StepServices;
  queues: Record<PipelineQueue, Queue>;
}

/** The queue a step's job goes to: fanned-out steps coordinate from `steps`, CPU-bound ones run sandboxed. */
export function queueOfStep(step: Step): PipelineQueue {
  return step.heavy && !step.partitions ? 'heavy' : 'steps';
}

export function stepJobOptions(runId: string, step: string, data: Pick<StepJobData, 'retry'>): JobsOptions {
  return {
    jobId: stepJobId(runId, step),
    ...bullmqRetryOptions(data.retry),
    ...KEEP_JOBS,
    // A step that fails for good must not fail the run's job: the run goes on with the steps that do not need it.
    ignoreDependencyOnFailure: true,
  };
}

/**
 * The parent job of a run. BullMQ flows are trees, and a pipeline is a graph, so the parent adds its children a
 * wave at a time: on each wake-up it reads the run state, records what failed (from PostgreSQL, and from BullMQ
 * for children that died without saying), marks the dependants of failed steps skipped, adds the steps whose
 * upstream all succeeded as children, and sleeps until they are done. With nothing left to add, the run ends.
 * Every wake-up starts from the recorded state, so a crashed orchestrator is simply run again.
 */
export async function processRunJob(job: Job<RunJobData>, token: string, deps: PipelineDeps): Promise<{ runId: string; status: string }> {
  const { state } = deps.services;
  let runId = job.data.runId;
  const steps = selectSteps(deps.graph, job.data.selection);
  if (!runId) {
    runId = crypto.randomUUID();
    await job.updateData({ ...job.data, runId });
  }
  await state.createRun({
    id: runId,
    trigger: job.data.trigger,
    runner: 'bullmq',
    selection: { ...job.data.selection, steps: steps.map((s) => s.name) },
    params: job.data.params,
    status: 'running',
    retryOf: null,
  });
  await state.runStarted(runId);
  const log = deps.services.log.child({ runId });

  for (;;) {
    const failures = await job.getIgnoredChildrenFailures();
    const records = new Map((await state.stepsOf(runId)).map((r) => [r.step, r]));
    for (const [key, reason] of Object.entries(failures)) {
      const parsed = parseStepJobId(key.split(':').at(-1) ?? '');
      const record = parsed && records.get(parsed.step);
      if (parsed && record && record.status !== 'failed') {
        await state.stepFailed(runId, parsed.step, null, reason || 'job failed', true);
        record.status = 'failed';
      }
    }
    const ready: Step[] = [];
    for (const step of steps) {
      const record = records.get(step.name)!;
      if (record.status !== 'pending') continue;
      const blockedBy = step.after.find((name) => ['failed', 'skipped'].includes(records.get(name)!.status));
      if (blockedBy) {
        await state.stepSkipped(runId, step.name, `not run: ${blockedBy} ${records.get(blockedBy)!.status === 'failed' ? 'failed' : 'was skipped'}`);
        record.status = 'skipped';
      } else if (step.after.every((name) => records.get(name)!.status === 'succeeded')) {
        ready.push(step);
      }
    }
    for (const step of ready) {
      const data: StepJobData = { runId, step: step.name, params: job.data.params, retry: job.data.retry };
      await deps.queues[queueOfStep(step)].add('step', data, {
        ...stepJobOptions(runId, step.name, data),
        parent: { id: job.id!, queue: job.queueQualifiedName },
      });
    }
    if (ready.length > 0) log.info('run: steps queued', { steps: ready.map((s) => s.name) });
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    if (ready.length === 0) break;
  }
  const status = await state.finishRun(runId);
  log.info('run finished', { status });
  return { runId, status };
}
