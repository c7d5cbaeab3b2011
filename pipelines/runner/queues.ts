import type { ConnectionOptions, JobsOptions } from 'bullmq';
import type { StepContext } from '../step.ts';
import { bullmqRetryOptions, type RetryPolicy } from './retry-policy.ts';
import type { RunRecord } from './run-state.ts';
import type { Selection } from './selection.ts';

/**
 * The pipeline's BullMQ queues. Each is served by whichever `spirit-ml worker` processes name it, so a machine
 * can take only the heavy training, or only the light orchestration:
 * - runs: one parent job per run (the orchestrator), light;
 * - steps: light steps (ingest, feature builds), run inside the worker, and the coordinators of fanned-out steps;
 * - heavy: CPU-bound steps (training), run in sandboxed child processes;
 * - partitions: the fanned-out parts of a step (one forecast per destination), sandboxed too.
 */
export const PIPELINE_QUEUES = ['runs', 'steps', 'heavy', 'partitions'] as const;
export type PipelineQueue = (typeof PIPELINE_QUEUES)[number];

/** Redis key prefix of the queues (BULLMQ_PREFIX): deployments, or test suites, sharing a Redis keep apart. */
export function queuePrefix(): string {
  return process.env.BULLMQ_PREFIX?.trim() || 'spirit';
}

export function queueName(queue: PipelineQueue): string {
  return `pipeline-${queue}`;
}

export function redisConnection(redisUrl: string): ConnectionOptions {
  // Workers block on Redis; BullMQ requires that commands wait instead of failing after a few retries.
  return { url: redisUrl, maxRetriesPerRequest: null };
}

/** Completed jobs are kept a week for inspection, failed ones until someone looks (jobs failed / retry). */
export const KEEP_JOBS: Pick<JobsOptions, 'removeOnComplete' | 'removeOnFail'> = {
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

/**
 * The run job's own retries. Each wake-up starts by writing the run's state to PostgreSQL: with BullMQ's default
 * of one attempt, a database away at that moment stranded the run for good (`queued`, its steps `pending`). A
 * wake-up starts from the recorded state, so running it again is safe; these retries outlast a restart of a few
 * minutes (2 s doubling, eight attempts).
 */
export const RUN_JOB_RETRY = bullmqRetryOptions({ attempts: 8, delayMs: 2_000, jitter: 0.5 });

export interface RunJobData {
  /** Absent in a job produced by a schedule: the orchestrator gives it one on first sight. */
  runId?: string;
  selection: Selection;
  params: StepContext['params'];
  trigger: RunRecord['trigger'];
  retry: RetryPolicy;
}

export interface StepJobData {
  runId: string;
  step: string;
  params: StepContext['params'];
  retry: RetryPolicy;
  /** A fanned-out step sets this once its partitions are queued, so a retry goes straight to finishing. */
  phase?: 'finishing';
}

export interface PartitionJobData {
  runId: string;
  step: string;
  partition: string;
  params: StepContext['params'];
}

/** BullMQ job ids of a run's jobs; deterministic, so adding the same step twice adds it once. */
export function stepJobId(runId: string, step: string): string {
  return `${runId}-${step}`;
}

export function partitionJobId(runId: string, step: string, partition: string): string {
  return `${runId}-${step}-p-${partition.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

export function runJobId(runId: string): string {
  return `run-${runId}`;
}

/** Run id and step of a step job id (a run id is a UUID: 36 characters). */
export function parseStepJobId(id: string): { runId: string; step: string } | undefined {
  const m = /^([0-9a-f-]{36})-([a-z][a-z0-9-]*?)(?:-p-.*)?$/.exec(id);
  return m ? { runId: m[1], step: m[2] } : undefined;
}
