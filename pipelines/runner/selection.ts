import type { Step } from '../step.ts';
import { InputError } from '../../platform/errors.ts';
import { ancestorsOf, checkGraph } from './graph-check.ts';

/** Which part of the graph a run covers: everything, one step and what depends on it, or only named steps. */
export interface Selection {
  from?: string;
  only?: string[];
  /**
   * With `only`: steps run too when the graph has them, left out when it does not (a schedule's companions, such as
   * the marts' refresh after an ingest, on a worker started with a graph of its own that has no marts).
   */
  alsoIfPresent?: string[];
}

/**
 * The steps a run executes, in run order, with `after` narrowed to the chosen steps: a step whose upstream is
 * not part of the run uses that upstream's last outputs, as they are.
 */
export function selectSteps(graph: readonly Step[], selection: Selection): Step[] {
  const ordered = checkGraph(graph);
  const known = new Set(ordered.map((s) => s.name));
  const unknown = (field: string, name: string) =>
    new InputError(`--${field}: no step named "${name}" (steps: ${[...known].join(', ')})`, field);
  if (selection.from !== undefined && selection.only !== undefined && selection.only.length > 0) {
    throw new InputError('--from and --only cannot be used together: --from runs a step and everything after it, --only just the steps named', 'only');
  }
  let chosen: Set<string>;
  if (selection.from !== undefined) {
    if (!known.has(selection.from)) throw unknown('from', selection.from);
    const ancestors = ancestorsOf(ordered);
    chosen = new Set(ordered.filter((s) => s.name === selection.from || ancestors.get(s.name)!.has(selection.from!)).map((s) => s.name));
  } else if (selection.only !== undefined && selection.only.length > 0) {
    for (const name of selection.only) if (!known.has(name)) throw unknown('only', name);
    chosen = new Set([...selection.only, ...(selection.alsoIfPresent ?? []).filter((name) => known.has(name))]);
  } else {
    chosen = known;
  }
  return ordered.filter((s) => chosen.has(s.name)).map((s) => ({ ...s, after: s.after.filter((name) => chosen.has(name)) }));
}
