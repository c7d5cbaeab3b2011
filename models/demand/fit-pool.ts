import os from 'node:os';
import { startTsWorker } from '../../platform/ts-worker.ts';
import { runFitJob, type FitJob } from './fit-worker.ts';
import type { MemberFits } from './series-fit.ts';

/**
 * Fits the statistical members of many series on worker threads. Series are dealt longest first, round robin, so
 * the shares take about the same time; small jobs stay on the calling thread, where starting workers would cost more
 * than it saves.
 * Results do not depend on the number of workers: every series draws from its own seeded stream.
 */
export async function fitInParallel(job: FitJob, workers = Math.min(2, os.availableParallelism())): Promise<MemberFits[]> {
  if (workers <= 1 || job.series.length < 16) return runFitJob(job);
  const order = job.series.map((_, i) => i).sort((a, b) => job.series[b].values.length - job.series[a].values.length);
  const shares: number[][] = Array.from({ length: workers }, () => []);
  order.forEach((index, k) => shares[k % workers].push(index));
  const results = await Promise.all(
    shares.map(
      (indices) =>
        new Promise<MemberFits[]>((resolve, reject) => {
          const worker = startTsWorker(new URL('./fit-worker.ts', import.meta.url));
          worker.once('message', (message: { fits?: MemberFits[]; error?: string }) => {
            void worker.terminate();
            if (message.error !== undefined) reject(new Error(message.error));
            else resolve(message.fits!);
          });
          worker.once('error', reject);
          worker.postMessage({ ...job, series: indices.map((i) => job.series[i]) } satisfies FitJob);
        }),
    ),
  );
  const fits = new Array<MemberFits>(job.series.length);
  shares.forEach((indices, w) => indices.forEach((index, k) => (fits[index] = results[w][k])));
  return fits;
}
