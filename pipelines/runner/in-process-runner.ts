import crypto from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Step, StepContext } from '../step.ts';
import { runInProcess, type StepRun } from '../run-in-process.ts';
import { AssetVersions } from './asset-versions.ts';
import { errorText, executeStep } from './execute-step.ts';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry-policy.ts';
import type { RunRecord, RunStatus } from './run-state.ts';
import { selectSteps, type Selection } from './selection.ts';
import type { StepServices } from './step-services.ts';

export interface PipelineRunOptions {
  selection?: Selection;
  params?: StepContext['params'];
  trigger?: RunRecord['trigger'];
  retryOf?: string;
  retry?: RetryPolicy;
  runId?: string;
  /** Jitter source; seeded in tests. */
  random?: () => number;
}

export interface PipelineRunReport {
  runId: string;
  status: RunStatus;
  steps: StepRun[];
}

/**
 * Runs (part of) the graph in this process, recording every attempt in the run state. A failing step is tried
 * again after an exponential, jittered wait; one that still fails stops its dependants, which are recorded as
 * skipped, while independent steps go on.
 */
export async function runPipelineInProcess(graph: readonly Step[], services: StepServices, opts: PipelineRunOptions = {}): Promise<PipelineRunReport> {
  const steps = selectSteps(graph, opts.selection ?? {});
  const retry = opts.retry ?? DEFAULT_RETRY;
  const runId = opts.runId ?? crypto.randomUUID();
  const params = opts.params ?? {};
  const versions = new AssetVersions(graph, { pg: services.pg, clickhouse: services.clickhouse, registry: services.registry, state: services.state });
  await services.state.createRun({
    id: runId,
    trigger: opts.trigger ?? 'manual',
    runner: 'in-process',
    selection: { ...opts.selection, steps: steps.map((s) => s.name) },
    params,
    status: 'running',
    retryOf: opts.retryOf ?? null,
  });
  const log = services.log.child({ runId });
  const baseCtx: StepContext = {
    config: services.config,
    log,
    pg: services.pg,
    // Replaced per step by contextFor, which opens ClickHouse only for steps that declare it.
    clickhouse: undefined as never,
    registry: services.registry,
    runId,
    params,
  };
  /**
   * A step's context, its stores opened: one that cannot be opened (an embedded ClickHouse held by another process,
   * a server away) is an attempt of the step that failed, recorded as such, so the run's table says why rather than
   * leaving the step pending; the next attempt opens it again.
   */
  const contextOf = async (step: Step, number: number, final: boolean, ctx: StepContext): Promise<StepContext> => {
    try {
      return await services.contextFor(step, runId, params, ctx.log);
    } catch (err) {
      await services.state.stepStarted(runId, step.name, number, {});
      await services.state.stepFailed(runId, step.name, 0, errorText(err), final);
      throw err;
    }
  };
  const runs = await runInProcess(steps, baseCtx, {
    async execute(step, ctx) {
      for (let number = 1; ; number++) {
        const final = number >= retry.attempts;
        try {
          return await executeStep(step, await contextOf(step, number, final, ctx), services.state, versions, { number, final });
        } catch (err) {
          if (final) throw err;
          const wait = backoffDelay(retry, number, opts.random);
          ctx.log.warn('step attempt failed; retrying', { attempt: number, of: retry.attempts, waitMs: wait, error: (err as Error).message });
          await sleep(wait);
        }
      }
    },
    skipped: (step, blockedBy) => services.state.stepSkipped(runId, step.name, `not run: ${blockedBy} failed`),
  });
  const status = await services.state.finishRun(runId);
  return { runId, status, steps: runs };
}
