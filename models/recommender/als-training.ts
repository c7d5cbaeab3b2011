import type { Worker } from 'node:worker_threads';
import { substream } from '../../platform/random.ts';
import { startTsWorker } from '../../platform/ts-worker.ts';
import { cgScratch, regularisedGramian, updateRows } from './als-solver.ts';
import type { AlsHalfStep, AlsWorkerSetup } from './als-worker.ts';
import { sharedFloat32, type SparseMatrix } from './sparse-matrix.ts';

export interface AlsSettings {
  factors: number;
  iterations: number;
  /** λ, the ridge on every factor vector. */
  regularization: number;
  /** Confidence c = 1 + alpha · weight. */
  alpha: number;
  cgSteps: number;
  seed: number;
  /** Worker threads; 1 trains on the calling thread. */
  workers: number;
}

export interface Factors {
  userFactors: Float32Array;
  itemFactors: Float32Array;
}

/** Small random factors from the seed; the same for any number of workers. */
function initialFactors(rows: number, f: number, seed: number, label: string): Float32Array {
  const rng = substream(seed, label);
  const out = sharedFloat32(rows * f);
  for (let i = 0; i < out.length; i++) out[i] = rng() * 0.01;
  return out;
}

/** Contiguous row ranges of about equal work (f² per row plus f per entry) for each worker. */
export function balancedRanges(m: SparseMatrix, f: number, parts: number): Array<[number, number]> {
  const total = m.rows * f + m.indptr[m.rows];
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (let part = 1; part <= parts; part++) {
    let end = start;
    const goal = (total * part) / parts;
    while (end < m.rows && end * f + m.indptr[end + 1] <= goal) end++;
    if (part === parts) end = m.rows;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

class WorkerPool {
  private readonly workers: Worker[];

  constructor(count: number, setup: AlsWorkerSetup) {
    this.workers = Array.from({ length: count }, () => startTsWorker(new URL('./als-worker.ts', import.meta.url)));
    for (const w of this.workers) w.postMessage(setup);
  }

  run(side: AlsHalfStep['side'], ranges: Array<[number, number]>, gram: Float64Array): Promise<void> {
    return Promise.all(
      this.workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            const onError = (err: Error) => reject(err);
            w.once('error', onError);
            w.once('message', () => {
              w.off('error', onError);
              resolve();
            });
            w.postMessage({ side, start: ranges[i][0], end: ranges[i][1], gram } satisfies AlsHalfStep);
          }),
      ),
    ).then(() => undefined);
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Alternates customer and itinerary half-steps; rows are split across workers, results do not depend on the split. */
export async function trainAls(byUser: SparseMatrix, byItem: SparseMatrix, s: AlsSettings): Promise<Factors> {
  const f = s.factors;
  const userFactors = initialFactors(byUser.rows, f, s.seed, 'als-users');
  const itemFactors = initialFactors(byItem.rows, f, s.seed, 'als-items');
  // The Gram matrix of the side held still, shared by every row of the side being solved.
  const gramOf = (side: AlsHalfStep['side']) => (side === 'users' ? regularisedGramian(itemFactors, byItem.rows, f, s.regularization) : regularisedGramian(userFactors, byUser.rows, f, s.regularization));
  if (s.workers <= 1) {
    const scratch = cgScratch(f);
    for (let it = 0; it < s.iterations; it++) {
      updateRows(byUser, 0, byUser.rows, userFactors, itemFactors, gramOf('users'), f, s.alpha, s.cgSteps, scratch);
      updateRows(byItem, 0, byItem.rows, itemFactors, userFactors, gramOf('items'), f, s.alpha, s.cgSteps, scratch);
    }
    return { userFactors, itemFactors };
  }
  const pool = new WorkerPool(s.workers, { byUser, byItem, userFactors, itemFactors, factors: f, alpha: s.alpha, cgSteps: s.cgSteps });
  const ranges = { users: balancedRanges(byUser, f, s.workers), items: balancedRanges(byItem, f, s.workers) };
  try {
    for (let it = 0; it < s.iterations; it++) {
      for (const side of ['users', 'items'] as const) await pool.run(side, ranges[side], gramOf(side));
    }
  } finally {
    await pool.close();
  }
  return { userFactors, itemFactors };
}
