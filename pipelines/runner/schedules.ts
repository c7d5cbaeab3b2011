import type { Queue } from 'bullmq';
import { CronExpressionParser } from 'cron-parser';
import { InputError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/log.ts';
import { throttledLog } from '../../platform/throttled-log.ts';
import type { StepContext } from '../step.ts';
import { DEFAULT_RETRY } from './retry-policy.ts';
import { KEEP_JOBS, RUN_JOB_RETRY, type RunJobData } from './queues.ts';
import type { Selection } from './selection.ts';

/** A recurring run: which part of the graph, when (cron with seconds, in a time zone). */
export interface PipelineSchedule {
  id: string;
  description: string;
  pattern: string;
  tz: string;
  selection: Selection;
  params: StepContext['params'];
}

const CRON_FIELD = /^[\d*/,?LW#A-Z-]+$/i;

/**
 * The pattern as BullMQ will read it. Parsed here with the same cron-parser BullMQ uses (the version is pinned to
 * BullMQ's), so an hour of 25 or the 31st of February is refused naming the setting, not thrown as a stack trace by
 * the worker that registers it.
 */
function checkCron(name: string, pattern: string, tz: string): string {
  const fields = pattern.trim().split(/\s+/);
  const shape = `a cron pattern of 5 or 6 fields (seconds first when 6), e.g. "0 */15 * * * *"`;
  if ((fields.length !== 5 && fields.length !== 6) || !fields.every((f) => CRON_FIELD.test(f))) {
    throw new InputError(`${name} must be ${shape}; got "${pattern}"`, name);
  }
  const normalised = fields.join(' ');
  try {
    CronExpressionParser.parse(normalised, { tz });
  } catch (err) {
    throw new InputError(`${name} must be ${shape} with every value in range; "${pattern}": ${(err as Error).message}`, name);
  }
  return normalised;
}

/** The zone's canonical name: Intl accepts "america/lima", but cron's CRON_TZ looks the name up as a file. */
function checkTimeZone(name: string, tz: string): string {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw new InputError(`${name} must be an IANA time zone such as America/Lima, got "${tz}"`, name);
  }
}

/**
 * The schedules, from the environment with defaults: the incremental ingest every 15 minutes, and the whole graph
 * (ingest, features, training…) at 02:00 Lima time. `off` disables one.
 *   PIPELINE_SCHEDULE_INGEST   cron, default `0 *\/15 * * * *`
 *   PIPELINE_SCHEDULE_NIGHTLY  cron, default `0 0 2 * * *`
 *   PIPELINE_TIMEZONE          default America/Lima
 */
export function pipelineSchedules(env: NodeJS.ProcessEnv = process.env): PipelineSchedule[] {
  const tz = checkTimeZone('PIPELINE_TIMEZONE', env.PIPELINE_TIMEZONE?.trim() || 'America/Lima');
  const schedules: PipelineSchedule[] = [];
  const ingest = env.PIPELINE_SCHEDULE_INGEST?.trim() || '0 */15 * * * *';
  if (ingest !== 'off') {
    schedules.push({
      id: 'ingest',
      description: 'incremental ingest of the booking system',
      pattern: checkCron('PIPELINE_SCHEDULE_INGEST', ingest, tz),
      tz,
      // The marts with it, where the graph has them: analysts read them after each ingest (pipelines/steps/refresh-marts.ts).
      selection: { only: ['ingest'], alsoIfPresent: ['refresh-marts'] },
      params: {},
    });
  }
  const nightly = env.PIPELINE_SCHEDULE_NIGHTLY?.trim() || '0 0 2 * * *';
  if (nightly !== 'off') {
    schedules.push({
      id: 'nightly',
      description: 'whole pipeline: ingest, feature build, training, evaluation',
      pattern: checkCron('PIPELINE_SCHEDULE_NIGHTLY', nightly, tz),
      tz,
      selection: {},
      params: {},
    });
  }
  return schedules;
}

/**
 * Registers the schedules as BullMQ job schedulers on the runs queue and removes ours that are no longer
 * configured. Upserting by id makes this safe to call from every process that starts, as often as it starts:
 * one scheduler per id, one pending job per scheduler.
 */
export async function upsertSchedules(runs: Queue, schedules: readonly PipelineSchedule[]): Promise<void> {
  for (const s of schedules) {
    const data: RunJobData = { selection: s.selection, params: s.params, trigger: 'schedule', retry: DEFAULT_RETRY };
    await runs.upsertJobScheduler(s.id, { pattern: s.pattern, tz: s.tz }, { name: 'run', data, opts: { ...KEEP_JOBS, ...RUN_JOB_RETRY } });
  }
  const wanted = new Set(schedules.map((s) => s.id));
  for (const existing of await runs.getJobSchedulers()) {
    if (!wanted.has(existing.key)) await runs.removeJobScheduler(existing.key);
  }
}

/**
 * Registers the schedules now, then checks every `everyMs` until stopped and registers them again when Redis no
 * longer holds them as configured. A Redis that comes back empty (a failover to a replica, a lost volume) holds no
 * schedule, and registering once at start left no nightly run until someone restarted the scheduler. Only when they
 * are missing or changed: registering replaces a scheduler's pending run with the next one after now, so doing it
 * while a run is due and not yet taken would skip that run.
 */
export async function keepSchedules(runs: Queue, schedules: readonly PipelineSchedule[], log: Logger, everyMs = 60_000): Promise<() => void> {
  await upsertSchedules(runs, schedules);
  const failed = throttledLog(log, 'warn', 'pipeline schedules could not be registered again; retrying');
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    schedulesHeld(runs, schedules)
      .then((held) => (held ? undefined : upsertSchedules(runs, schedules)))
      .catch((err: Error) => failed({ error: err.message }))
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether Redis holds exactly these schedules, as configured. */
async function schedulesHeld(runs: Queue, schedules: readonly PipelineSchedule[]): Promise<boolean> {
  const held = await runs.getJobSchedulers();
  return held.length === schedules.length && schedules.every((s) => held.some((h) => h.key === s.id && h.pattern === s.pattern && h.tz === s.tz));
}

/** The same schedules as crontab lines, for a deployment without Redis (no queue to hold them). */
export function crontabLines(schedules: readonly PipelineSchedule[], command = 'spirit-ml pipeline run'): string[] {
  return schedules.map((s) => {
    const fields = s.pattern.split(' ');
    const minuteFirst = fields.length === 6 ? fields.slice(1) : fields;
    // The companions too: this deployment's graph is the default one, which has them.
    const only = [...(s.selection.only ?? []), ...(s.selection.alsoIfPresent ?? [])].map((o) => ` --only ${o}`).join('');
    return `CRON_TZ=${s.tz}\n${minuteFirst.join(' ')} ${command}${only}   # ${s.description}`;
  });
}
