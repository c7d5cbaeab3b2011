import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Step } from './step.ts';
import { InputError } from '../platform/errors.ts';
import { checkGraph } from './runner/graph-check.ts';

/**
 * The nightly graph: the ingest step, then whatever steps pipelines/steps exports (features, training,
 * evaluation, publishing). Both are imported lazily, so a command that only prints the graph does not load
 * TensorFlow.js until a step runs, and a part not written yet is simply absent instead of breaking the others.
 * Returned in run order, checked (see checkGraph).
 *
 * `PIPELINE_GRAPH` (or `moduleFile`) names another module whose exported list of steps is the graph instead — a
 * backfill graph, or the small graphs the runner tests give their worker processes. Sandboxed children inherit
 * it through the environment.
 */
export async function loadPipelineGraph(moduleFile: string | undefined = process.env.PIPELINE_GRAPH?.trim() || undefined, named = 'PIPELINE_GRAPH'): Promise<Step[]> {
  if (moduleFile) {
    if (!fs.existsSync(path.resolve(moduleFile))) throw new InputError(`PIPELINE_GRAPH names ${moduleFile}, which does not exist`, 'PIPELINE_GRAPH');
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(path.resolve(moduleFile)).href)) as Record<string, unknown>;
    } catch (err) {
      // A folder, a CSV, a module with a syntax error: say which setting and why, not a loader's stack trace.
      const why = ((err as Error).message ?? String(err)).split('\n')[0];
      throw new InputError(`${named} ${moduleFile} could not be loaded as a module of steps: ${why}`, named.replace(/^--/, ''));
    }
    const steps = stepsExportedBy(module);
    if (steps.length === 0) throw new InputError(`${named} ${moduleFile} exports no list of pipeline steps`, named.replace(/^--/, ''));
    return checkGraph(steps);
  }
  const steps: Step[] = [];
  const ingest = await optionalModule(new URL('./ingest/ingest-step.ts', import.meta.url));
  if (ingest && isStep(ingest.ingestStep)) steps.push(ingest.ingestStep);
  const more = await optionalModule(new URL('./steps/index.ts', import.meta.url));
  if (more) steps.push(...stepsExportedBy(more));
  return checkGraph(steps);
}

/** A module that is not there yet is no error; one that is there but fails to load is. */
async function optionalModule(url: URL): Promise<Record<string, unknown> | undefined> {
  try {
    return (await import(url.href)) as Record<string, unknown>;
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing = e.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(url.pathname.split('/').slice(-2).join('/'));
    if (missing) return undefined;
    throw err;
  }
}

/** pipelines/steps/index.ts exports its list under any name (`steps`, `nightlySteps`…) or as the default. */
function stepsExportedBy(module: Record<string, unknown>): Step[] {
  const lists = Object.values(module).filter((value): value is unknown[] => Array.isArray(value) && value.length > 0 && value.every(isStep));
  const seen = new Set<string>();
  const steps: Step[] = [];
  for (const list of lists) {
    for (const step of list as Step[]) {
      if (!seen.has(step.name)) {
        seen.add(step.name);
        steps.push(step);
      }
    }
  }
  return steps;
}

function isStep(value: unknown): value is Step {
  const s = value as Step | undefined;
  return !!s && typeof s.name === 'string' && typeof s.run === 'function' && Array.isArray(s.reads) && Array.isArray(s.writes) && Array.isArray(s.after);
}
