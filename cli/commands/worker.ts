import type { Command, ParsedArgs } from '../command.ts';
import { intArg, stringArg } from '../command.ts';
import { UsageError } from '../../platform/errors.ts';
import { onStopSignal } from '../../platform/stopping.ts';
import { loadPipelineGraph } from '../../pipelines/graph.ts';
import { openStepServices, touchesClickHouse } from '../../pipelines/runner/step-services.ts';
import { migrate } from '../../domain/migrate.ts';
import { PIPELINE_QUEUES, type PipelineQueue } from '../../pipelines/runner/queues.ts';
import type { QueueLimits } from '../../pipelines/runner/pipeline-workers.ts';

/**
 * `spirit-ml worker`: a long-running process that serves some of the pipeline's queues and, if asked, the
 * outbox relay and the events consumer. Start as many as you like, on as many machines as share the Redis.
 */
const ROLES = [...PIPELINE_QUEUES, 'outbox-relay', 'events'] as const;
type Role = (typeof ROLES)[number];

function rolesFrom(args: ParsedArgs): Role[] {
  const raw = stringArg(args, 'queues', ROLES.join(','));
  const roles = raw.split(',').map((r) => r.trim()).filter(Boolean);
  for (const role of roles) {
    if (!ROLES.includes(role as Role)) throw new UsageError(`--queues: unknown queue "${role}" (one or more of ${ROLES.join(', ')})`, 'queues');
  }
  if (roles.length === 0) throw new UsageError('--queues must name at least one queue', 'queues');
  return [...new Set(roles)] as Role[];
}

/** `--concurrency steps=2` and `--rate partitions=10/1000` (10 jobs per second across all workers). */
function limitsFrom(args: ParsedArgs): Partial<Record<PipelineQueue, QueueLimits>> {
  const limits: Partial<Record<PipelineQueue, QueueLimits>> = {};
  const queueOf = (flag: string, name: string): PipelineQueue => {
    if (!PIPELINE_QUEUES.includes(name as PipelineQueue)) throw new UsageError(`--${flag}: unknown queue "${name}" (${PIPELINE_QUEUES.join(', ')})`, flag);
    return name as PipelineQueue;
  };
  for (const item of (args.values.concurrency as string[] | undefined) ?? []) {
    const m = /^([a-z-]+)=(\d+)$/.exec(item);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 64) throw new UsageError(`--concurrency must look like queue=N with N from 1 to 64, got "${item}"`, 'concurrency');
    const queue = queueOf('concurrency', m[1]);
    limits[queue] = { ...limits[queue], concurrency: Number(m[2]) } as QueueLimits;
  }
  for (const item of (args.values.rate as string[] | undefined) ?? []) {
    const m = /^([a-z-]+)=(\d+)\/(\d+)$/.exec(item);
    if (!m || Number(m[2]) < 1 || Number(m[3]) < 1) throw new UsageError(`--rate must look like queue=MAX/MILLISECONDS, e.g. partitions=10/1000, got "${item}"`, 'rate');
    const queue = queueOf('rate', m[1]);
    limits[queue] = { ...limits[queue], rate: { max: Number(m[2]), durationMs: Number(m[3]) } } as QueueLimits;
  }
  return limits;
}

export const command: Command = {
  name: 'worker',
  summary: 'Serve pipeline queues (BullMQ over REDIS_URL), the outbox relay and the events consumer until stopped',
  options: {
    queues: { type: 'string', description: `Comma-separated: ${ROLES.join(', ')}`, default: ROLES.join(',') },
    concurrency: { type: 'string', multiple: true, description: 'queue=N: jobs of that queue run at once in this process (repeatable); defaults runs=4, others 1' },
    rate: { type: 'string', multiple: true, description: 'queue=MAX/MS: at most MAX jobs per MS milliseconds across all workers (repeatable)' },
    schedules: { type: 'string', description: 'on|off: register the pipeline schedules at start when serving runs (idempotent)', default: 'on' },
    'lock-duration': { type: 'string', description: 'Milliseconds a job lock lasts unrenewed: how soon a dead worker\'s job is retried', default: '30000' },
    graph: { type: 'string', description: 'Module exporting the list of steps to serve (else PIPELINE_GRAPH, else the nightly graph)' },
  },
  details:
    'Queues: runs (orchestrates each run), steps (light steps), heavy (CPU-bound steps, sandboxed child processes),\n' +
    'partitions (fanned-out parts of a step, sandboxed), outbox-relay (PostgreSQL outbox → Redis stream; without\n' +
    'REDIS_URL straight into ClickHouse), events (Redis stream → ClickHouse events). Stops cleanly on SIGTERM/SIGINT,\n' +
    'letting running jobs finish.',
  async run(args, ctx) {
    const roles = rolesFrom(args);
    const limits = limitsFrom(args);
    const lockDurationMs = intArg(args, 'lock-duration', { min: 1000, max: 3_600_000 });
    const schedules = stringArg(args, 'schedules');
    if (schedules !== 'on' && schedules !== 'off') throw new UsageError(`--schedules must be on or off, got "${schedules}"`, 'schedules');
    const pipelineRoles = roles.filter((r): r is PipelineQueue => PIPELINE_QUEUES.includes(r as PipelineQueue));
    const redisUrl = ctx.config.redisUrl;
    if (!redisUrl && (pipelineRoles.length > 0 || roles.includes('events'))) {
      throw new UsageError(
        `REDIS_URL is not set: the ${[...pipelineRoles, ...roles.filter((r) => r === 'events')].join(', ')} queue(s) live on Redis. ` +
          'Without Redis run `spirit-ml pipeline run` (in-process) and `spirit-ml worker --queues outbox-relay`.',
        'queues',
      );
    }
    // Several processes serve the queues and share the booking system; an embedded PostgreSQL belongs to the
    // process that started it, and goes when that one stops.
    if (pipelineRoles.length > 0 && !ctx.config.databaseUrl) {
      throw new UsageError('DATABASE_URL is not set: pipeline workers share the booking system with each other and with the processes that queue runs; set it to a PostgreSQL server (an embedded one belongs to the process that started it)', 'DATABASE_URL');
    }
    const graphFile = args.values.graph as string | undefined;
    if (graphFile) process.env.PIPELINE_GRAPH = graphFile;
    // Only the pipeline queues need the graph: a relay or consumer must start even while a step is broken.
    const graph = pipelineRoles.length > 0 ? await loadPipelineGraph(graphFile) : [];
    const sandboxed = graph.filter((step) => (step.partitions ? pipelineRoles.includes('partitions') : step.heavy && pipelineRoles.includes('heavy')) && touchesClickHouse(step));
    if (sandboxed.length > 0 && !ctx.config.clickhouseUrl) {
      throw new UsageError(
        `CLICKHOUSE_URL is not set: ${sandboxed.map((s) => s.name).join(', ')} run in child processes (heavy and partitions queues) and read ClickHouse, and the embedded one belongs to one process; set it to a ClickHouse server, or run the pipeline in-process (spirit-ml pipeline run, without REDIS_URL)`,
        'CLICKHOUSE_URL',
      );
    }
    const services = await openStepServices(ctx.config, ctx.log, { migrate });
    const stops: Array<() => Promise<void>> = [];
    try {
      if (pipelineRoles.length > 0) {
        const { startPipelineWorkers } = await import('../../pipelines/runner/pipeline-workers.ts');
        const workers = startPipelineWorkers(graph, services, { redisUrl: redisUrl!, queues: pipelineRoles, limits, lockDurationMs });
        stops.push(() => workers.close());
        if (pipelineRoles.includes('runs') && schedules === 'on') {
          const { keepSchedules, pipelineSchedules } = await import('../../pipelines/runner/schedules.ts');
          const stopSchedules = await keepSchedules(workers.queues.runs, pipelineSchedules(), ctx.log);
          stops.unshift(async () => stopSchedules());
        }
      }
      if (roles.includes('outbox-relay')) {
        const { OutboxRelay } = await import('../../pipelines/outbox/outbox-relay.ts');
        let publisher;
        let minIntervalMs = 0;
        if (redisUrl) {
          const { openRedis, redisStreamPublisher, streamSettings } = await import('../../pipelines/outbox/redis-event-stream.ts');
          const redis = openRedis(redisUrl, ctx.log);
          stops.push(async () => void redis.disconnect());
          publisher = redisStreamPublisher(redis, streamSettings());
        } else {
          const { clickHousePublisher } = await import('../../pipelines/outbox/clickhouse-events.ts');
          publisher = clickHousePublisher(await services.clickhouse());
          minIntervalMs = 1000;
        }
        const relay = new OutboxRelay(services.pg, publisher, ctx.log.child({ role: 'outbox-relay' }), { minIntervalMs });
        relay.start();
        stops.unshift(() => relay.stop());
      }
      if (roles.includes('events')) {
        const { EventsConsumer, openRedis, streamSettings } = await import('../../pipelines/outbox/redis-event-stream.ts');
        const redis = openRedis(redisUrl!, ctx.log);
        const consumer = new EventsConsumer(redis, await services.clickhouse(), streamSettings(), ctx.log.child({ role: 'events' }));
        consumer.start();
        stops.unshift(() => consumer.stop());
        stops.push(async () => void redis.disconnect());
      }
      ctx.log.info('worker ready', { queues: roles, pid: process.pid });
      await new Promise<void>((resolve) => onStopSignal(() => resolve()));
      ctx.log.info('worker stopping', { pid: process.pid });
    } finally {
      for (const stop of stops) await stop().catch((err) => ctx.log.warn('stop failed', { error: (err as Error).message }));
      await services.close();
    }
    return 0;
  },
};
