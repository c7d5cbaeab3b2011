import { fileURLToPath } from 'node:url';
import { Queue, Worker, type Job, type WorkerOptions } from 'bullmq';
import type { Step } from '../step.ts';
import { processRunJob } from './run-orchestrator.ts';
import { processStepJob } from './step-job.ts';
import { processPartitionedStepJob } from './partitioned-step-job.ts';
import type { StepServices } from './step-services.ts';
import { PIPELINE_QUEUES, queuePrefix, queueName, redisConnection, type PipelineQueue, type RunJobData, type StepJobData } from './queues.ts';
import type { Logger } from '../../platform/log.ts';
import { throttledLog } from '../../platform/throttled-log.ts';

const SANDBOX_FILE = fileURLToPath(new URL('./sandboxed-processor.mjs', import.meta.url));

export interface QueueLimits {
  /** Jobs processed at the same time by this process. */
  concurrency: number;
  /** At most `max` jobs per `durationMs` across all workers of the queue (BullMQ's limiter is global). */
  rate?: { max: number; durationMs: number };
}

export const DEFAULT_LIMITS: Record<PipelineQueue, QueueLimits> = {
  runs: { concurrency: 4 },
  steps: { concurrency: 1 },
  heavy: { concurrency: 1 },
  partitions: { concurrency: 1 },
};

export interface PipelineWorkerOptions {
  redisUrl: string;
  queues: readonly PipelineQueue[];
  limits?: Partial<Record<PipelineQueue, QueueLimits>>;
  /**
   * How long a job's lock lasts without renewal; a worker that dies holding one has its job retried by another
   * after about this long. BullMQ's default (30 s) suits production; tests shorten it.
   */
  lockDurationMs?: number;
}

export interface PipelineWorkers {
  workers: Worker[];
  queues: Record<PipelineQueue, Queue>;
  close(): Promise<void>;
}

/**
 * Every pipeline queue, for adding jobs (orchestrator, fan-out) and for inspection. A queue's connection errors
 * (Redis away or restarting; it reconnects by itself) are logged, a line per ten seconds: without a listener,
 * BullMQ printed each one with its stack to stderr.
 */
export function openPipelineQueues(redisUrl: string, log: Logger): Record<PipelineQueue, Queue> {
  const connection = redisConnection(redisUrl);
  const lost = throttledLog(log, 'warn', 'pipeline queue: redis connection error; reconnecting');
  return Object.fromEntries(
    PIPELINE_QUEUES.map((q) => {
      const queue = new Queue(queueName(q), { connection, prefix: queuePrefix() });
      queue.on('error', (err) => lost({ queue: q, error: err.message }));
      return [q, queue];
    }),
  ) as Record<PipelineQueue, Queue>;
}

/**
 * Starts BullMQ workers in this process for the named queues. Light queues run their jobs here; heavy and
 * partitions run each job in a sandboxed child process (see sandboxed-processor.mjs), so a long training does
 * not starve the event loop that renews job locks.
 */
export function startPipelineWorkers(graph: readonly Step[], services: StepServices, opts: PipelineWorkerOptions): PipelineWorkers {
  const connection = redisConnection(opts.redisUrl);
  const queues = openPipelineQueues(opts.redisUrl, services.log);
  const workerError = throttledLog(services.log, 'error', 'worker error');
  const deps = { graph, services, queues };
  const workers: Worker[] = [];
  for (const queue of opts.queues) {
    const limits = { ...DEFAULT_LIMITS[queue], ...opts.limits?.[queue] };
    const options: WorkerOptions = {
      connection,
      prefix: queuePrefix(),
      concurrency: limits.concurrency,
      ...(limits.rate ? { limiter: { max: limits.rate.max, duration: limits.rate.durationMs } } : {}),
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs, stalledInterval: Math.max(500, Math.floor(opts.lockDurationMs / 2)) } : {}),
      // A job whose worker died is retried once more before it counts as failed.
      maxStalledCount: 2,
    };
    let worker: Worker;
    if (queue === 'heavy' || queue === 'partitions') {
      // Plain Node in the child: the entry file registers tsx itself (see platform/ts-worker.ts for why).
      worker = new Worker(queueName(queue), SANDBOX_FILE, { ...options, useWorkerThreads: false, workerForkOptions: { execArgv: [] } });
    } else if (queue === 'runs') {
      worker = new Worker(queueName(queue), (job: Job<RunJobData>, token?: string) => processRunJob(job, token!, deps), options);
    } else {
      worker = new Worker(
        queueName(queue),
        (job: Job<StepJobData>, token?: string) => {
          const step = graph.find((s) => s.name === job.data.step);
          return step?.partitions ? processPartitionedStepJob(job, token!, graph, services, queues) : processStepJob(job, graph, services);
        },
        options,
      );
    }
    worker.on('failed', (job, err) =>
      services.log.warn('job attempt failed', { queue, job: job?.id, attempt: job?.attemptsMade, error: err.message }),
    );
    worker.on('error', (err) => workerError({ queue, error: err.message }));
    workers.push(worker);
  }
  return {
    workers,
    queues,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all(Object.values(queues).map((q) => q.close()));
    },
  };
}
