import { parentPort } from 'node:worker_threads';
import { cgScratch, updateRows } from './als-solver.ts';
import type { SparseMatrix } from './sparse-matrix.ts';

/**
 * One worker thread of ALS training. Matrices and factors live on SharedArrayBuffers: the worker writes its share
 * of rows in place and only says when it is done, so nothing is copied per half-step.
 */
export interface AlsWorkerSetup {
  byUser: SparseMatrix;
  byItem: SparseMatrix;
  userFactors: Float32Array;
  itemFactors: Float32Array;
  factors: number;
  alpha: number;
  cgSteps: number;
}

export interface AlsHalfStep {
  side: 'users' | 'items';
  start: number;
  end: number;
  gram: Float64Array;
}

let setup: AlsWorkerSetup | undefined;

parentPort?.on('message', (message: AlsWorkerSetup | AlsHalfStep) => {
  if (!('side' in message)) {
    setup = message;
    return;
  }
  const s = setup!;
  const scratch = cgScratch(s.factors);
  if (message.side === 'users') updateRows(s.byUser, message.start, message.end, s.userFactors, s.itemFactors, message.gram, s.factors, s.alpha, s.cgSteps, scratch);
  else updateRows(s.byItem, message.start, message.end, s.itemFactors, s.userFactors, message.gram, s.factors, s.alpha, s.cgSteps, scratch);
  parentPort!.postMessage('done');
});
