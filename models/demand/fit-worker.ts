import { parentPort } from 'node:worker_threads';
import { fitMembers, type BacktestPlan, type MemberFits } from './series-fit.ts';
import type { SeriesContext } from './statistical-models.ts';

/** A share of the series of one fit, whose statistical members are fitted on a worker thread; the answer keeps the order of the job. */
export interface FitJob {
  series: Array<{ id: string; start: string; values: Float64Array }>;
  context: Omit<SeriesContext, 'start'>;
  plan: BacktestPlan;
  seed: number;
}

export function runFitJob(job: FitJob): MemberFits[] {
  return job.series.map((s) => fitMembers(s, { ...job.context, start: s.start }, job.plan, job.seed));
}

parentPort?.once('message', (job: FitJob) => {
  try {
    parentPort!.postMessage({ fits: runFitJob(job) });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});
