import type { PartitionResult, Step, StepContext, StepPartitions, StepResult } from '../step.ts';
import { SpiritError } from '../../platform/errors.ts';
import type { AssetVersions } from './asset-versions.ts';
import type { RunState } from './run-state.ts';

export interface Attempt {
  /** 1 for the first try. */
  number: number;
  /** No try comes after this one: a failure is final. */
  final: boolean;
}

/**
 * One attempt at one step, the same whichever runner calls it: note the versions of its inputs, mark it running,
 * run it, then record its outputs or its error. Recording comes after the step's own writes, so a step whose
 * record says succeeded has finished publishing; a process killed in between leaves the row `running`, and the
 * retry overwrites it.
 */
export async function executeStep(step: Step, ctx: StepContext, state: RunState, versions: AssetVersions, attempt: Attempt): Promise<StepResult> {
  const inputs = await versions.of(step.reads);
  await state.stepStarted(ctx.runId, step.name, attempt.number, inputs);
  const started = performance.now();
  try {
    const result = step.partitions ? await runPartitionsHere(step.partitions, ctx) : await step.run(ctx);
    checkOutputs(step.name, result);
    await state.stepSucceeded(ctx.runId, step.name, (performance.now() - started) / 1000, result.outputs);
    return result;
  } catch (err) {
    await state.stepFailed(ctx.runId, step.name, (performance.now() - started) / 1000, errorText(err), attempt.final);
    throw err;
  }
}

/** A partitioned step run in this process: each partition in turn, then `finish`. */
export async function runPartitionsHere(partitions: StepPartitions, ctx: StepContext): Promise<StepResult> {
  const results: PartitionResult[] = [];
  for (const partition of await partitions.list(ctx)) {
    results.push({ partition, outputs: (await partitions.run(ctx, partition)).outputs });
  }
  return partitions.finish(ctx, results);
}

export function checkOutputs(step: string, result: unknown): asserts result is StepResult {
  const outputs = (result as StepResult | undefined)?.outputs;
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throw new SpiritError('pipeline_step_outputs', `step ${step} must return { outputs: { name: value } }`);
  }
  for (const [name, value] of Object.entries(outputs)) {
    const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new SpiritError('pipeline_step_outputs', `step ${step}: output ${name} must be a string, a finite number, a boolean or null`);
  }
}

/** First line of an error, with its code when it has one: what the failed list and status show. */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return typeof e?.code === 'string' && !message.includes(e.code) ? `${e.code}: ${message}` : message;
}
