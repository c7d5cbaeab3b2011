import { WaitingChildrenError, type Job, type Queue } from 'bullmq';
import type { PartitionResult, Step, StepResult } from '../step.ts';
import { AssetVersions } from './asset-versions.ts';
import { checkOutputs, errorText } from './execute-step.ts';
import type { StepServices } from './step-services.ts';
import { attemptOf, stepOf } from './step-job.ts';
import { KEEP_JOBS, partitionJobId, type PartitionJobData, type PipelineQueue, type StepJobData } from './queues.ts';

/**
 * A fanned-out step: first queue one child job per partition (spread over every worker serving `partitions`)
 * and wait; when they are all done, `finish` publishes their work. A partition that fails for good fails this
 * job too (failParentOnFailure), and the run's orchestrator records it.
 */
export async function processPartitionedStepJob(
  job: Job<StepJobData>,
  token: string,
  graph: readonly Step[],
  services: StepServices,
  queues: Record<PipelineQueue, Queue>,
): Promise<StepResult['outputs']> {
  const step = stepOf(graph, job.data.step);
  const partitions = step.partitions!;
  const ctx = await services.contextFor(step, job.data.runId, job.data.params);
  const { state } = services;
  const attempt = attemptOf(job);
  try {
    if (job.data.phase !== 'finishing') {
      const versions = new AssetVersions(graph, { pg: services.pg, clickhouse: services.clickhouse, registry: services.registry, state });
      await state.stepStarted(job.data.runId, step.name, attempt.number, await versions.of(step.reads));
      const keys = await partitions.list(ctx);
      for (const partition of keys) {
        const data: PartitionJobData = { runId: job.data.runId, step: step.name, partition, params: job.data.params };
        await queues.partitions.add('partition', data, {
          jobId: partitionJobId(job.data.runId, step.name, partition),
          attempts: job.data.retry.attempts,
          backoff: { type: 'exponential', delay: job.data.retry.delayMs, jitter: job.data.retry.jitter },
          ...KEEP_JOBS,
          failParentOnFailure: true,
          parent: { id: job.id!, queue: job.queueQualifiedName },
        });
      }
      await job.updateData({ ...job.data, phase: 'finishing' });
      ctx.log.info('step fanned out', { partitions: keys.length });
    }
    // Parked until every partition is done. A job already 'finishing' asks again too: a worker that died between
    // saving the phase and parking left partitions running, and finishing then published only those done.
    if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
    const values = await job.getChildrenValues<PartitionResult>();
    const results = Object.values(values).sort((a, b) => a.partition.localeCompare(b.partition));
    const result = await partitions.finish(ctx, results);
    checkOutputs(step.name, result);
    await state.stepSucceeded(job.data.runId, step.name, null, result.outputs);
    return result.outputs;
  } catch (err) {
    if (!(err instanceof WaitingChildrenError)) {
      await state.stepFailed(job.data.runId, step.name, null, errorText(err), attempt.final);
    }
    throw err;
  }
}
