import type { Step } from '../step.ts';
import { topologicalOrder } from '../run-in-process.ts';
import { SpiritError } from '../../platform/errors.ts';

// Step names become parts of BullMQ job ids (`<run>-<step>`), where ':' is not allowed.
const STEP_NAME = /^[a-z][a-z0-9-]*$/;
const ASSET = /^[a-z]+:[A-Za-z0-9_./-]+$/;

/**
 * Checks that a pipeline graph can be run and that its declared lineage holds: unique step names, known steps in
 * `after`, no cycle, and every step that reads an asset runs after every other step that writes it (directly or
 * through others) — otherwise `--from` and stale detection would lie. An asset may have several writers (a
 * shared table where each step owns its rows); its readers then wait for all of them.
 * Returns the steps in run order.
 */
export function checkGraph(steps: readonly Step[]): Step[] {
  const names = new Set<string>();
  for (const step of steps) {
    if (!STEP_NAME.test(step.name)) throw new SpiritError('pipeline_step_name', `step name "${step.name}" must be lower-case words joined by "-"`);
    if (names.has(step.name)) throw new SpiritError('pipeline_duplicate_step', `two steps are named ${step.name}`);
    names.add(step.name);
    for (const asset of [...step.reads, ...step.writes]) {
      if (!ASSET.test(asset)) throw new SpiritError('pipeline_asset', `step ${step.name}: asset "${asset}" must look like kind:name (pg:bookings, ch:features, model:price)`);
    }
  }
  const ordered = topologicalOrder(steps);
  const ancestors = ancestorsOf(ordered);
  const writers = writersOf(steps);
  for (const step of ordered) {
    for (const asset of step.reads) {
      for (const writer of writers.get(asset) ?? []) {
        if (writer !== step.name && !ancestors.get(step.name)!.has(writer)) {
          throw new SpiritError('pipeline_lineage', `step ${step.name} reads ${asset}, written by ${writer}, but does not run after it; add "${writer}" to its after`);
        }
      }
    }
  }
  return ordered;
}

/** Every step's transitive `after`, for steps given in run order. */
export function ancestorsOf(ordered: readonly Step[]): Map<string, Set<string>> {
  const ancestors = new Map<string, Set<string>>();
  for (const step of ordered) {
    const all = new Set<string>();
    for (const name of step.after) {
      all.add(name);
      for (const a of ancestors.get(name) ?? []) all.add(a);
    }
    ancestors.set(step.name, all);
  }
  return ancestors;
}

/** Which steps write each asset. */
export function writersOf(steps: readonly Step[]): Map<string, string[]> {
  const writers = new Map<string, string[]>();
  for (const step of steps) for (const asset of step.writes) writers.set(asset, [...(writers.get(asset) ?? []), step.name]);
  return writers;
}
