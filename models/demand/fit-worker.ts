import { parentPort } from 'node:worker_threads';
import type { Forecast } from './forecast.ts';
import { fitSeries, type BacktestPlan, type SeriesFit } from './series-fit.ts';
import type { SeriesContext } from './statistical-models.ts';

/** A share of the series of one fit, fitted on a worker thread; the answer keeps the order of the job. */
export interface FitJob {
  series: Array<{ id: string; start: string; values: Float64Array; external?: Record<string, Forecast[]> }>;
  context: Omit<SeriesContext, 'start'>;
  plan: BacktestPlan;
  seed: number;
}

export function runFitJob(job: FitJob): SeriesFit[] {
  return job.series.map((s) => fitSeries(s, { ...job.context, start: s.start }, job.plan, job.seed, s.external));
}

parentPort?.once('message', (job: FitJob) => {
  try {
    parentPort!.postMessage({ fits: runFitJob(job) });
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message });
  }
});
