import type { PartitionResult, Step, StepResult } from '../step.ts';
import { AssetVersions } from './asset-versions.ts';
import { checkOutputs, executeStep } from './execute-step.ts';
import type { StepServices } from './step-services.ts';
import type { PartitionJobData, StepJobData } from './queues.ts';

/** What a step job needs of its BullMQ job; a sandboxed job offers the same. */
export interface StepJobLike {
  id?: string;
  data: StepJobData;
  attemptsMade: number;
  opts: { attempts?: number };
}

/**
 * An error BullMQ does not retry (it goes by the name, which survives the trip out of a sandboxed child).
 * Made here rather than imported, so sandboxed children do not load BullMQ to run a step.
 */
export function unrecoverable(message: string): Error {
  const err = new Error(message);
  err.name = 'UnrecoverableError';
  return err;
}

export function stepOf(graph: readonly Step[], name: string): Step {
  const step = graph.find((s) => s.name === name);
  // Retrying cannot help: the worker's graph has no such step (an older or newer deploy).
  if (!step) throw unrecoverable(`this worker's pipeline has no step named ${name}`);
  return step;
}

export function attemptOf(job: StepJobLike): { number: number; final: boolean } {
  const number = job.attemptsMade + 1;
  return { number, final: number >= (job.opts.attempts ?? 1) };
}

/** One attempt at a whole step, inside the worker or in a sandboxed child. Returns the step's outputs. */
export async function processStepJob(job: StepJobLike, graph: readonly Step[], services: StepServices): Promise<StepResult['outputs']> {
  const step = stepOf(graph, job.data.step);
  const ctx = await services.contextFor(step, job.data.runId, job.data.params);
  const versions = new AssetVersions(graph, { pg: services.pg, clickhouse: services.clickhouse, registry: services.registry, state: services.state });
  const result = await executeStep(step, ctx, services.state, versions, attemptOf(job));
  return result.outputs;
}

/** One partition of a fanned-out step, in a sandboxed child. */
export async function processPartitionJob(data: PartitionJobData, graph: readonly Step[], services: StepServices): Promise<PartitionResult> {
  const step = stepOf(graph, data.step);
  if (!step.partitions) throw unrecoverable(`step ${step.name} has no partitions in this worker's pipeline`);
  const ctx = await services.contextFor(step, data.runId, data.params);
  const result = await step.partitions.run(ctx, data.partition);
  checkOutputs(`${step.name}[${data.partition}]`, result);
  return { partition: data.partition, outputs: result.outputs };
}
