import type { Command } from '../command.ts';
import { intArg } from '../command.ts';
import { UsageError } from '../../platform/errors.ts';
import { loadPipelineGraph } from '../../pipelines/graph.ts';
import { openStepServices } from '../../pipelines/runner/step-services.ts';
import { migrate } from '../../domain/migrate.ts';
import type { FailedJob } from '../../pipelines/runner/failed-jobs.ts';
import { alignedTable } from './models.ts';

/**
 * `spirit-ml jobs failed | retry`: the steps that failed for good (after their retries), and a way to run them
 * again by hand. With REDIS_URL these are BullMQ's failed sets; without, the run state's unresolved failures.
 */
export const failedCommand: Command = {
  name: 'jobs failed',
  summary: 'List pipeline jobs that failed after all their retries, with their error',
  options: {
    limit: { type: 'string', description: 'At most this many', default: '50' },
    json: { type: 'boolean', description: 'Print JSON instead of a table' },
  },
  async run(args, ctx) {
    const limit = intArg(args, 'limit', { min: 1, max: 10_000 });
    let failed: FailedJob[];
    if (ctx.config.redisUrl) {
      const { openPipelineQueues } = await import('../../pipelines/runner/pipeline-workers.ts');
      const { listFailedQueueJobs } = await import('../../pipelines/runner/failed-jobs.ts');
      const queues = openPipelineQueues(ctx.config.redisUrl, ctx.log);
      try {
        failed = await listFailedQueueJobs(queues, limit);
      } finally {
        await Promise.all(Object.values(queues).map((q) => q.close()));
      }
    } else {
      const services = await openStepServices(ctx.config, ctx.log, { migrate });
      try {
        const { listFailedSteps } = await import('../../pipelines/runner/failed-jobs.ts');
        failed = await listFailedSteps(services.state, limit);
      } finally {
        await services.close();
      }
    }
    if (args.values.json) {
      ctx.out(JSON.stringify(failed, null, 2) + '\n');
      return;
    }
    if (failed.length === 0) {
      ctx.out('no failed jobs\n');
      return;
    }
    ctx.out(alignedTable(['ID', 'QUEUE', 'STEP', 'ATTEMPTS', 'FAILED AT (UTC)', 'ERROR'], failed.map((f) => [
      f.id, f.queue, f.partition !== undefined ? `${f.step}[${f.partition}]` : f.step, String(f.attempts), (f.failedAt ?? '').slice(0, 19).replace('T', ' '), f.error.split('\n')[0].slice(0, 120),
    ])));
  },
};

export const retryCommand: Command = {
  name: 'jobs retry',
  summary: 'Run a failed step again, with the steps it stopped (a new run from that step)',
  options: { graph: { type: 'string', description: 'Module exporting the list of steps (else PIPELINE_GRAPH, else the nightly graph)' } },
  positionals: [{ name: 'ID', description: 'Id from `spirit-ml jobs failed`' }],
  details: 'With REDIS_URL the new run is queued for the workers; without, it runs here and now.',
  async run(args, ctx) {
    const id = args.positionals[0];
    if (!id) throw new UsageError('missing argument ID', 'ID');
    const graph = await loadPipelineGraph(args.values.graph as string | undefined);
    const services = await openStepServices(ctx.config, ctx.log, { migrate });
    try {
      if (ctx.config.redisUrl) {
        const { openPipelineQueues } = await import('../../pipelines/runner/pipeline-workers.ts');
        const { retryFailedQueueJob } = await import('../../pipelines/runner/failed-jobs.ts');
        const queues = openPipelineQueues(ctx.config.redisUrl, ctx.log);
        try {
          const { runId } = await retryFailedQueueJob(queues, graph, services.state, ctx.config.redisUrl, id);
          ctx.out(`retry queued as run ${runId}\n`);
        } finally {
          await Promise.all(Object.values(queues).map((q) => q.close()));
        }
        return 0;
      }
      const { retryFailedStepInProcess } = await import('../../pipelines/runner/failed-jobs.ts');
      const report = await retryFailedStepInProcess(graph, services, id);
      ctx.out(`retry run ${report.runId} ${report.status}\n`);
      return report.status === 'succeeded' ? 0 : 1;
    } finally {
      await services.close();
    }
  },
};
