import type { Step, StepContext, StepResult } from './step.ts';
import { SpiritError } from '../platform/errors.ts';

export interface StepRun {
  step: string;
  status: 'succeeded' | 'failed' | 'skipped';
  seconds: number;
  outputs?: StepResult['outputs'];
  error?: string;
}

/** Orders steps so that each comes after the steps it names in `after` (stable for ties). */
export function topologicalOrder(steps: readonly Step[]): Step[] {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const ordered: Step[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (step: Step, path: string[]) => {
    const seen = state.get(step.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new SpiritError('pipeline_cycle', `pipeline has a cycle: ${[...path, step.name].join(' → ')}`);
    state.set(step.name, 'visiting');
    for (const name of step.after) {
      const dep = byName.get(name);
      if (!dep) throw new SpiritError('pipeline_unknown_step', `step ${step.name} runs after unknown step ${name}`);
      visit(dep, [...path, step.name]);
    }
    state.set(step.name, 'done');
    ordered.push(step);
  };
  for (const step of steps) visit(step, []);
  return ordered;
}

export interface RunHooks {
  /** How one step is run (default: `step.run`); the recording runner wraps it with run state and retries. */
  execute?(step: Step, ctx: StepContext): Promise<StepResult>;
  /** Told about each step not run because a step it needs failed. */
  skipped?(step: Step, blockedBy: string): Promise<void>;
}

/**
 * Runs the steps one after another in this process. A failed step stops the steps that depend on it (they are
 * reported as skipped); independent steps still run.
 */
export async function runInProcess(steps: readonly Step[], ctx: StepContext, hooks: RunHooks = {}): Promise<StepRun[]> {
  const execute = hooks.execute ?? ((step: Step, stepCtx: StepContext) => step.run(stepCtx));
  const runs: StepRun[] = [];
  const failed = new Set<string>();
  for (const step of topologicalOrder(steps)) {
    const blockedBy = step.after.find((name) => failed.has(name));
    if (blockedBy) {
      failed.add(step.name);
      runs.push({ step: step.name, status: 'skipped', seconds: 0, error: `not run: ${blockedBy} failed` });
      await hooks.skipped?.(step, blockedBy);
      continue;
    }
    const started = performance.now();
    const log = ctx.log.child({ step: step.name, runId: ctx.runId });
    log.info('step started');
    try {
      const result = await execute(step, { ...ctx, log });
      const seconds = (performance.now() - started) / 1000;
      log.info('step finished', { seconds: Number(seconds.toFixed(2)), ...result.outputs });
      runs.push({ step: step.name, status: 'succeeded', seconds, outputs: result.outputs });
    } catch (err) {
      const seconds = (performance.now() - started) / 1000;
      failed.add(step.name);
      log.error('step failed', { seconds: Number(seconds.toFixed(2)), error: (err as Error).message });
      runs.push({ step: step.name, status: 'failed', seconds, error: (err as Error).message });
    }
  }
  return runs;
}
