import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { substream } from '../../platform/random.ts';
import { binCounts, binMatrix, fitBinning } from './binning.ts';
import { predictEnsemble } from './ensemble-prediction.ts';
import type { FeatureMatrix } from './matrix.ts';
import type { LearnerData } from './random-forest.ts';
import { assembleEnsemble, ensembleFromArtifact, ensembleToArtifact, type EnsembleArtifact, type TreeEnsemble } from './tree-ensemble.ts';
import { growTree, predictBinnedRow, type BinnedSet, type GrowthParams, type GrownTree } from './tree-growth.ts';
import { checkColumnsMatch, checkFeatureMatrix, checkRange, checkTrainingSet } from './validate.ts';

/**
 * Histogram gradient boosting for squared error (after LightGBM and scikit-learn's HistGradientBoostingRegressor):
 * each tree fits the residuals of the trees before it, on the same binned features as the forest, and adds a
 * shrunken step. Early stopping holds out a random share of the rows and keeps the number of trees that scored
 * best on it.
 */
export type BoostingParams = {
  iterations: number;
  learningRate: number;
  /** null: no depth limit, the leaf limit governs. */
  maxDepth: number | null;
  maxLeafNodes: number;
  minSamplesLeaf: number;
  /** L2 penalty on leaf values (λ): shrinks leaves with few rows towards zero. */
  l2: number;
  /** Share of rows held out for early stopping; 0 trains all iterations on all rows. */
  validationFraction: number;
  /** Iterations without improvement on the held-out rows before stopping. */
  patience: number;
  seed: number;
};

export const DEFAULT_BOOSTING_PARAMS: BoostingParams = {
  iterations: 300,
  learningRate: 0.1,
  maxDepth: null,
  maxLeafNodes: 31,
  minSamplesLeaf: 20,
  l2: 0,
  validationFraction: 0.1,
  patience: 10,
  seed: 0,
};

const FAMILY = 'gradient-boosting';
const FORMAT_VERSION = 1;
/** Early stopping needs enough held-out rows for its score to mean something. */
const MIN_VALIDATION_ROWS = 50;

function checkBoostingParams(p: BoostingParams): void {
  checkRange('iterations', p.iterations, 1, 100_000, true);
  checkRange('learningRate', p.learningRate, Number.MIN_VALUE, 1);
  if (p.maxDepth !== null) checkRange('maxDepth', p.maxDepth, 1, 64, true);
  checkRange('maxLeafNodes', p.maxLeafNodes, 2, 1_000_000, true);
  checkRange('minSamplesLeaf', p.minSamplesLeaf, 1, 1e9);
  checkRange('l2', p.l2, 0, 1e12);
  checkRange('validationFraction', p.validationFraction, 0, 0.5);
  checkRange('patience', p.patience, 1, 100_000, true);
  checkRange('seed', p.seed, 0, 2 ** 32 - 1, true);
}

/** Seeded random split of row indices into (training, held out). */
export function holdOutRows(rows: number, fraction: number, seed: number): { fit: Uint32Array; held: Uint32Array } {
  const order = Uint32Array.from({ length: rows }, (_, i) => i);
  const rng = substream(seed, 'boosting early stopping');
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const heldCount = Math.floor(rows * fraction);
  return { held: order.slice(0, heldCount).sort(), fit: order.slice(heldCount).sort() };
}

function meanOf(y: Float64Array, rows: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < rows.length; i++) s += y[rows[i]];
  return s / rows.length;
}

export class GradientBoostingRegressor implements Estimator<LearnerData, FeatureMatrix, Float64Array> {
  readonly family = FAMILY;
  readonly params: BoostingParams;
  private ensemble: TreeEnsemble | undefined;
  private columns = 0;
  /** Trees kept after early stopping. */
  iterationsUsed = 0;

  constructor(params: Partial<BoostingParams> = {}) {
    this.params = { ...DEFAULT_BOOSTING_PARAMS, ...params };
    checkBoostingParams(this.params);
  }

  async fit({ x, y, featureNames }: LearnerData): Promise<this> {
    checkTrainingSet(x, y, featureNames);
    const p = this.params;
    const binning = fitBinning(x);
    const set: BinnedSet = { codes: binMatrix(binning, x), rows: x.rows, columns: x.columns, binCounts: binCounts(binning), edges: binning.edges };
    const stopEarly = p.validationFraction > 0 && Math.floor(x.rows * p.validationFraction) >= MIN_VALIDATION_ROWS;
    const { fit, held } = stopEarly ? holdOutRows(x.rows, p.validationFraction, p.seed) : { fit: Uint32Array.from({ length: x.rows }, (_, i) => i), held: new Uint32Array(0) };
    const growth: GrowthParams = {
      maxDepth: p.maxDepth ?? Infinity,
      maxLeafNodes: p.maxLeafNodes,
      minSamplesLeaf: p.minSamplesLeaf,
      featuresPerNode: x.columns,
      l2: p.l2,
      shrinkage: p.learningRate,
    };
    const rng = substream(p.seed, 'boosting trees');
    const base = meanOf(y, fit);
    const prediction = new Float64Array(x.rows).fill(base);
    const residual = new Float64Array(x.rows);
    const weight = new Float64Array(x.rows).fill(1);
    const trees: GrownTree[] = [];
    let bestLoss = Infinity;
    let bestCount = 0;
    for (let it = 0; it < p.iterations; it++) {
      for (let r = 0; r < x.rows; r++) residual[r] = y[r] - prediction[r];
      const tree = growTree(set, residual, weight, fit.slice(), growth, rng);
      trees.push(tree);
      for (let r = 0; r < x.rows; r++) prediction[r] += predictBinnedRow(tree, set.codes, r * x.columns);
      if (!stopEarly) continue;
      let loss = 0;
      for (let i = 0; i < held.length; i++) loss += (y[held[i]] - prediction[held[i]]) ** 2;
      if (loss < bestLoss * (1 - 1e-7)) {
        bestLoss = loss;
        bestCount = trees.length;
      } else if (trees.length - bestCount >= p.patience) break;
    }
    const kept = stopEarly ? trees.slice(0, bestCount) : trees;
    this.ensemble = assembleEnsemble(kept, base, 1);
    this.iterationsUsed = kept.length;
    this.columns = x.columns;
    return this;
  }

  get trees(): TreeEnsemble {
    if (!this.ensemble) throw new ModelStateError('gradient boosting is not fitted: call fit first');
    return this.ensemble;
  }

  predict(x: FeatureMatrix): Float64Array {
    const e = this.trees;
    checkColumnsMatch(x, this.columns);
    checkFeatureMatrix(x);
    return predictEnsemble(e, x);
  }

  metrics(): Record<string, number> {
    return { trees: this.trees.roots.length, iterations_used: this.iterationsUsed, features: this.columns };
  }

  toArtifact(): ModelArtifact<{ columns: number; iterationsUsed: number; ensemble: EnsembleArtifact }> {
    return {
      family: FAMILY,
      formatVersion: FORMAT_VERSION,
      params: { ...this.params },
      state: { columns: this.columns, iterationsUsed: this.iterationsUsed, ensemble: ensembleToArtifact(this.trees) },
    };
  }

  static fromArtifact(artifact: ModelArtifact): GradientBoostingRegressor {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new GradientBoostingRegressor(readParams(artifact.params, DEFAULT_BOOSTING_PARAMS, FAMILY));
    const state = artifact.state as { columns: number; iterationsUsed: number; ensemble: EnsembleArtifact };
    model.ensemble = ensembleFromArtifact(state.ensemble);
    model.iterationsUsed = state.iterationsUsed;
    model.columns = state.columns;
    return model;
  }
}
