import { InputError } from '../../platform/errors.ts';
import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { checkCustomerFeatures, checkRows, type CustomerFeatures } from './customer-features.ts';
import { fitProjection, project } from './principal-components.ts';
import { profileSegments, type SegmentProfile } from './segment-profiles.ts';
import { nearestCentroid, searchSegments } from './segment-search.ts';
import { fitScaling, impute, scaleRow, transform, type Scaling } from './standard-scaling.ts';

/**
 * The customer segmentation family (`segmentation`): standard scaling (missing values → training median,
 * right-skewed amounts on a log axis),
 * PCA keeping `varianceToKeep` of the variance, then k-means with k chosen by silhouette between
 * `minSegments` and `maxSegments`. Segments are numbered by size, largest first, so segment 0 is always the
 * biggest group and numbers stay stable across runs of the same data.
 */
export type SegmenterParams = {
  minSegments: number;
  maxSegments: number;
  /** Share of variance the kept principal components must explain. */
  varianceToKeep: number;
  /** Customers sampled (seeded) to score the silhouette of each k; the cost is quadratic in this number. */
  silhouetteSample: number;
  /** Customers sampled (seeded) to compare the k; only the chosen k is fitted on every customer. */
  searchSample: number;
  /** k-means++ starts per k; the one with the lowest within-segment sum of squares is kept. */
  restarts: number;
  maxIterations: number;
  seed: number;
  /**
   * Features that count twice in the distance between customers (their standardised axis stretched by √2): a trait
   * that tells segments apart which the other features would outvote, such as the age of the party.
   */
  emphasised: readonly string[];
};

export const DEFAULT_SEGMENTER_PARAMS: SegmenterParams = {
  minSegments: 2,
  maxSegments: 8,
  varianceToKeep: 0.9,
  silhouetteSample: 2000,
  searchSample: 20_000,
  restarts: 3,
  maxIterations: 100,
  seed: 0,
  emphasised: [],
};

interface SegmenterState {
  featureNames: string[];
  scaling: Scaling;
  components: number[][];
  explainedVariance: number[];
  /** In principal-component space, indexed by segment number. */
  centroids: number[][];
  silhouettes: Record<number, number>;
  profiles: SegmentProfile[];
  trainedCustomers: number;
}

/** What a training run records in the model registry. */
export interface SegmentationMetrics extends Record<string, number> {
  silhouette: number;
  segments: number;
  components: number;
  explainedVariance: number;
}

const FAMILY = 'segmentation';
const FORMAT_VERSION = 1;

function checkInteger(name: keyof SegmenterParams, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new InputError(`${name} must be a whole number in [${min}, ${max}], got ${value}`, name);
}

function checkParams(p: SegmenterParams): void {
  checkInteger('minSegments', p.minSegments, 2, 50);
  checkInteger('maxSegments', p.maxSegments, p.minSegments, 50);
  checkInteger('silhouetteSample', p.silhouetteSample, 50, 20_000);
  checkInteger('searchSample', p.searchSample, p.silhouetteSample, 10_000_000);
  checkInteger('restarts', p.restarts, 1, 50);
  checkInteger('maxIterations', p.maxIterations, 1, 10_000);
  checkInteger('seed', p.seed, 0, 2 ** 32 - 1);
  if (!Array.isArray(p.emphasised) || p.emphasised.some((name) => typeof name !== 'string')) throw new InputError('emphasised must be a list of feature names', 'emphasised');
  if (!(p.varianceToKeep > 0 && p.varianceToKeep <= 1)) throw new InputError(`varianceToKeep must be in (0, 1], got ${p.varianceToKeep}`, 'varianceToKeep');
}

/** Renumbers segments by size (largest first, ties by old number) so numbering does not depend on k-means' seed. */
function orderBySize(labels: number[], k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label]++;
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => sizes[b] - sizes[a] || a - b);
  const renamed = new Array<number>(k);
  order.forEach((old, position) => (renamed[old] = position));
  return renamed;
}

export class CustomerSegmenter implements Estimator<CustomerFeatures, readonly (readonly number[])[], number[]> {
  readonly family = FAMILY;
  readonly params: SegmenterParams;
  private state: SegmenterState | undefined;

  constructor(params: Partial<SegmenterParams> = {}) {
    this.params = { ...DEFAULT_SEGMENTER_PARAMS, ...params };
    checkParams(this.params);
  }

  async fit(data: CustomerFeatures): Promise<this> {
    checkCustomerFeatures(data);
    const p = this.params;
    const { featureNames, rows } = data;
    if (rows.length <= p.maxSegments) {
      throw new InputError(`${rows.length} customers are too few to try up to ${p.maxSegments} segments; lower maxSegments or add customers`, 'rows');
    }
    const unknown = p.emphasised.find((name) => !featureNames.includes(name));
    if (unknown !== undefined) throw new InputError(`emphasised feature ${unknown} is not among featureNames`, 'emphasised');
    const scaling = { ...fitScaling(rows, featureNames), weights: featureNames.map((name) => (p.emphasised.includes(name) ? Math.SQRT2 : 1)) };
    const scaled = rows.map((row) => scaleRow(row, scaling));
    const { components, explainedVariance } = fitProjection(scaled, p.varianceToKeep);
    const points = scaled.map((row) => project(row, components));
    const search = searchSegments(points, p);
    const renamed = orderBySize(search.labels, search.k);
    const labels = search.labels.map((l) => renamed[l]);
    const centroids = new Array<number[]>(search.k);
    search.centroids.forEach((centroid, old) => (centroids[renamed[old]] = centroid));
    const imputed = rows.map((row) => impute(transform(row, scaling.logged), scaling.medians));
    this.state = {
      featureNames: [...featureNames],
      scaling,
      components,
      explainedVariance,
      centroids,
      silhouettes: search.silhouettes,
      profiles: profileSegments(imputed, labels, search.k, featureNames, scaling),
      trainedCustomers: rows.length,
    };
    return this;
  }

  private fitted(): SegmenterState {
    if (!this.state) throw new ModelStateError('customer segmenter is not fitted: call fit or fromArtifact first');
    return this.state;
  }

  /** Segment of each customer row (columns in the training `featureNames` order; NaN → training median). */
  predict(rows: readonly (readonly number[])[]): number[] {
    const state = this.fitted();
    checkRows(rows, state.featureNames);
    return rows.map((row) => nearestCentroid(project(scaleRow(row, state.scaling), state.components), state.centroids));
  }

  /** Size, average customer, z-scores, name and description of each segment, by segment number. */
  profiles(): SegmentProfile[] {
    return structuredClone(this.fitted().profiles);
  }

  get featureNames(): string[] {
    return [...this.fitted().featureNames];
  }

  /** Silhouette of the chosen k (on the seeded sample) and the shape of the model, for the registry. */
  metrics(): SegmentationMetrics {
    const state = this.fitted();
    const k = state.centroids.length;
    return {
      silhouette: state.silhouettes[k],
      segments: k,
      components: state.components.length,
      explainedVariance: state.explainedVariance.reduce((a, b) => a + b, 0),
    };
  }

  /** Silhouette of every k tried, to see how clear the choice was. */
  get silhouettes(): Record<number, number> {
    return { ...this.fitted().silhouettes };
  }

  toArtifact(): ModelArtifact<SegmenterState> {
    return { family: FAMILY, formatVersion: FORMAT_VERSION, params: { ...this.params }, state: structuredClone(this.fitted()) };
  }

  static fromArtifact(artifact: ModelArtifact): CustomerSegmenter {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new CustomerSegmenter(readParams(artifact.params, DEFAULT_SEGMENTER_PARAMS, FAMILY));
    model.state = structuredClone(artifact.state as SegmenterState);
    return model;
  }
}
