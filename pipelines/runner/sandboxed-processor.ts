import type { SandboxedJob } from 'bullmq';
import { loadConfig } from '../../platform/config.ts';
import { createLogger } from '../../platform/log.ts';
import { openOnce } from '../../platform/open-once.ts';
import { loadPipelineGraph } from '../graph.ts';
import type { Step } from '../step.ts';
import { openStepServices, type StepServices } from './step-services.ts';
import { processPartitionJob, processStepJob } from './step-job.ts';
import type { PartitionJobData, StepJobData } from './queues.ts';

/**
 * The processor of the sandboxed queues (heavy, partitions), in a child process of a worker. The child keeps its
 * own connections (opened on its first job, reused for the next; opened again by the next job when that failed) and
 * reads the same environment as its worker.
 */
const open = openOnce(async (): Promise<{ graph: Step[]; services: StepServices }> => {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { process: 'sandbox', pid: process.pid });
  return { graph: await loadPipelineGraph(), services: await openStepServices(config, log) };
});

export default async function sandboxedProcessor(job: SandboxedJob): Promise<unknown> {
  const { graph, services } = await open();
  if (job.name === 'partition') return processPartitionJob(job.data as PartitionJobData, graph, services);
  return processStepJob({ id: job.id, data: job.data as StepJobData, attemptsMade: job.attemptsMade, opts: job.opts }, graph, services);
}
