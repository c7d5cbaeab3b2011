import { parentPort } from 'node:worker_threads';
import { growForestTree } from './forest-tree.ts';
import type { GrowthParams, GrownTree } from './tree-growth.ts';

/** A share of a forest's trees, grown on a worker thread over data shared with the main thread (no copy). */
export interface ForestJob {
  codes: SharedArrayBuffer;
  target: SharedArrayBuffer;
  rows: number;
  columns: number;
  binCounts: Int32Array;
  edges: Float64Array[];
  growth: GrowthParams;
  sampleFraction: number;
  seed: number;
  treeIndices: number[];
}

export interface ForestTreeMessage {
  index: number;
  tree: GrownTree;
}

parentPort?.once('message', (job: ForestJob) => {
  const set = { codes: new Uint8Array(job.codes), rows: job.rows, columns: job.columns, binCounts: job.binCounts, edges: job.edges };
  const target = new Float64Array(job.target);
  for (const index of job.treeIndices) {
    const tree = growForestTree(set, target, job.growth, job.sampleFraction, job.seed, index);
    const message: ForestTreeMessage = { index, tree };
    parentPort!.postMessage(message, [tree.feature, tree.threshold, tree.thresholdBin, tree.left, tree.value].map((a) => a.buffer as ArrayBuffer));
  }
});
