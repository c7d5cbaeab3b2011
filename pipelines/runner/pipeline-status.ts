import type { Step } from '../step.ts';
import { AssetVersions } from './asset-versions.ts';
import { checkGraph } from './graph-check.ts';
import type { StepRecord } from './run-state.ts';
import type { StepServices } from './step-services.ts';

export interface StepStatusReport {
  step: string;
  /** The most recent attempt, whatever its outcome. */
  lastRun: StepRecord | undefined;
  /** The most recent success: its outputs are what readers see now. */
  lastSuccess: StepRecord | undefined;
  stale: boolean;
  /** Why it is stale: never succeeded, which input changed, which upstream step is stale. */
  reasons: string[];
}

/**
 * Each step's last run and whether it is stale: an input's version now differs from the one its last successful
 * run started from, or a step it runs after is stale (its outputs are about to change).
 */
export async function pipelineStatus(graph: readonly Step[], services: StepServices): Promise<StepStatusReport[]> {
  const ordered = checkGraph(graph);
  const versions = new AssetVersions(graph, { pg: services.pg, clickhouse: services.clickhouse, registry: services.registry, state: services.state });
  const [lastRuns, lastSuccesses] = await Promise.all([services.state.lastRuns(), services.state.lastSuccesses()]);
  const stale = new Set<string>();
  const reports: StepStatusReport[] = [];
  for (const step of ordered) {
    const lastSuccess = lastSuccesses.get(step.name);
    const reasons: string[] = [];
    if (!lastSuccess) {
      reasons.push('never succeeded');
    } else {
      const now = await versions.of(step.reads);
      for (const asset of step.reads) {
        const then = lastSuccess.inputVersions[asset];
        if (then !== now[asset]) reasons.push(`${asset} changed (${then ?? 'not recorded'} → ${now[asset]})`);
      }
    }
    for (const upstream of step.after) if (stale.has(upstream)) reasons.push(`upstream ${upstream} is stale`);
    if (reasons.length > 0) stale.add(step.name);
    reports.push({ step: step.name, lastRun: lastRuns.get(step.name), lastSuccess, stale: reasons.length > 0, reasons });
  }
  return reports;
}
