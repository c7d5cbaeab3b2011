import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { binCounts, binMatrix, fitBinning } from './binning.ts';
import { growForestTree } from './forest-tree.ts';
import type { ForestJob, ForestTreeMessage } from './forest-worker.ts';
import type { FeatureMatrix } from './matrix.ts';
import { predictEnsemble } from './ensemble-prediction.ts';
import { assembleEnsemble, ensembleFromArtifact, ensembleToArtifact, type EnsembleArtifact, type TreeEnsemble } from './tree-ensemble.ts';
import type { BinnedSet, GrowthParams, GrownTree } from './tree-growth.ts';
import { startTsWorker } from '../../platform/ts-worker.ts';
import { checkColumnsMatch, checkFeatureMatrix, checkRange, checkTrainingSet } from './validate.ts';

/**
 * Random forest regressor on binned features (see tree-growth.ts): bootstrap samples, a random subset of features
 * at every node, trees grown on worker threads. Same seed, same forest, whatever the number of workers.
 */
export type ForestParams = {
  trees: number;
  /** null grows until leaves are pure or too small. */
  maxDepth: number | null;
  minSamplesLeaf: number;
  /** Fraction of the features drawn at each node (1: all, as scikit-learn's regressor does by default). */
  maxFeatures: number;
  /** Bootstrap sample size as a fraction of the rows. */
  sampleFraction: number;
  seed: number;
  /** Worker threads; 0 picks one per core when the work is worth the ~0.3 s a worker takes to start. */
  workers: number;
};

export const DEFAULT_FOREST_PARAMS: ForestParams = {
  trees: 100,
  maxDepth: null,
  minSamplesLeaf: 1,
  maxFeatures: 1,
  sampleFraction: 1,
  seed: 0,
  workers: 0,
};

export interface LearnerData {
  x: FeatureMatrix;
  y: Float64Array;
  /** Used only to name a column in error messages. */
  featureNames?: readonly string[];
}

const FAMILY = 'random-forest';
const FORMAT_VERSION = 1;
/** Below this many row-trees, starting workers costs more than it saves. */
const THREADED_WORK = 400_000;

function checkForestParams(p: ForestParams): void {
  checkRange('trees', p.trees, 1, 100_000, true);
  if (p.maxDepth !== null) checkRange('maxDepth', p.maxDepth, 1, 64, true);
  checkRange('minSamplesLeaf', p.minSamplesLeaf, 1, 1e9);
  checkRange('maxFeatures', p.maxFeatures, Number.MIN_VALUE, 1);
  checkRange('sampleFraction', p.sampleFraction, Number.MIN_VALUE, 1);
  checkRange('seed', p.seed, 0, 2 ** 32 - 1, true);
  checkRange('workers', p.workers, 0, 256, true);
}

function workerCount(p: ForestParams, rows: number): number {
  if (p.workers > 0) return Math.min(p.workers, p.trees);
  if (rows * p.trees < THREADED_WORK) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), p.trees));
}

function growInWorkers(job: Omit<ForestJob, 'treeIndices'>, trees: number, workers: number): Promise<GrownTree[]> {
  const grown: GrownTree[] = new Array(trees);
  const started: Worker[] = [];
  return new Promise<GrownTree[]>((resolve, reject) => {
    let received = 0;
    for (let w = 0; w < workers; w++) {
      const treeIndices: number[] = [];
      for (let t = w; t < trees; t += workers) treeIndices.push(t);
      const worker = startTsWorker(new URL('./forest-worker.ts', import.meta.url));
      started.push(worker);
      let mine = 0;
      worker.on('message', (m: ForestTreeMessage) => {
        grown[m.index] = m.tree;
        mine++;
        if (++received === trees) resolve(grown);
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (mine < treeIndices.length) reject(new Error(`forest worker stopped with code ${code} after ${mine} of its ${treeIndices.length} trees`));
      });
      worker.postMessage({ ...job, treeIndices } satisfies ForestJob);
    }
  }).finally(() => Promise.all(started.map((w) => w.terminate())));
}

export class RandomForestRegressor implements Estimator<LearnerData, FeatureMatrix, Float64Array> {
  readonly family = FAMILY;
  readonly params: ForestParams;
  private ensemble: TreeEnsemble | undefined;
  private columns = 0;

  constructor(params: Partial<ForestParams> = {}) {
    this.params = { ...DEFAULT_FOREST_PARAMS, ...params };
    checkForestParams(this.params);
  }

  async fit({ x, y, featureNames }: LearnerData): Promise<this> {
    checkTrainingSet(x, y, featureNames);
    const p = this.params;
    const binning = fitBinning(x);
    const codes = binMatrix(binning, x, new SharedArrayBuffer(x.rows * x.columns));
    const target = new Float64Array(new SharedArrayBuffer(8 * x.rows));
    target.set(y);
    const growth: GrowthParams = {
      maxDepth: p.maxDepth ?? Infinity,
      maxLeafNodes: Infinity,
      minSamplesLeaf: p.minSamplesLeaf,
      featuresPerNode: Math.max(1, Math.ceil(p.maxFeatures * x.columns)),
      l2: 0,
      shrinkage: 1,
    };
    const set: BinnedSet = { codes, rows: x.rows, columns: x.columns, binCounts: binCounts(binning), edges: binning.edges };
    const workers = workerCount(p, x.rows);
    let trees: GrownTree[];
    if (workers === 1) {
      trees = Array.from({ length: p.trees }, (_, t) => growForestTree(set, target, growth, p.sampleFraction, p.seed, t));
    } else {
      const job = { codes: codes.buffer as SharedArrayBuffer, target: target.buffer as SharedArrayBuffer, rows: x.rows, columns: x.columns, binCounts: set.binCounts, edges: set.edges, growth, sampleFraction: p.sampleFraction, seed: p.seed };
      trees = await growInWorkers(job, p.trees, workers);
    }
    this.ensemble = assembleEnsemble(trees, 0, 1 / p.trees);
    this.columns = x.columns;
    return this;
  }

  /** The fitted trees, for path decomposition and interval estimates. */
  get trees(): TreeEnsemble {
    if (!this.ensemble) throw new ModelStateError('random forest is not fitted: call fit first');
    return this.ensemble;
  }

  predict(x: FeatureMatrix): Float64Array {
    const e = this.trees;
    checkColumnsMatch(x, this.columns);
    checkFeatureMatrix(x);
    return predictEnsemble(e, x);
  }

  metrics(): Record<string, number> {
    return { trees: this.trees.roots.length, features: this.columns };
  }

  toArtifact(): ModelArtifact<{ columns: number; ensemble: EnsembleArtifact }> {
    return { family: FAMILY, formatVersion: FORMAT_VERSION, params: { ...this.params }, state: { columns: this.columns, ensemble: ensembleToArtifact(this.trees) } };
  }

  static fromArtifact(artifact: ModelArtifact): RandomForestRegressor {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new RandomForestRegressor(readParams(artifact.params, DEFAULT_FOREST_PARAMS, FAMILY));
    const state = artifact.state as { columns: number; ensemble: EnsembleArtifact };
    model.ensemble = ensembleFromArtifact(state.ensemble);
    model.columns = state.columns;
    return model;
  }
}
