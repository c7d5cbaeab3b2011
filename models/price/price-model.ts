import { InputError } from '../../platform/errors.ts';
import { checkArtifact, ModelStateError, readParams, type Estimator, type ModelArtifact } from '../contract.ts';
import { contributions } from './contributions.ts';
import { currencyAmounts } from './currency-contributions.ts';
import { scoreHoldout } from './holdout-scores.ts';
import { conformalHalfWidth } from './interval.ts';
import { createLearner, learnerFromArtifact, LEARNERS, type LearnerKind, type TreeLearner } from './learners.ts';
import { selectRows, selectValues } from './matrix.ts';
import { errorMetrics, type ErrorMetrics } from './metrics.ts';
import { checkCost, featureVector, logMarkup, quotationTable, timeSplit, type FeatureRow, type Quotation, type QuotationTable } from './quotations.ts';
import { reasonCodes, type ExplainOptions, type ReasonCode } from './reason-codes.ts';
import { checkRange } from './validate.ts';

/**
 * The price model family (`price`): a suggested price for a quotation, with an 80% range, the reasons behind it
 * and its error against the baselines.
 *
 * It learns the log markup log(price/cost) (see quotations.ts for why) with a random forest or gradient boosting.
 * `fit` holds out the latest quotations (time-based), scores both learners and the baselines there, keeps the
 * better learner, calibrates the interval on that window (conformal), then refits the chosen learner on all rows.
 */
export type PriceParams = {
  /** 'auto' scores both learners on the validation window and keeps the better one. */
  learner: 'auto' | LearnerKind;
  /** Share of the latest quotations held out to choose the learner and calibrate the interval. */
  validationFraction: number;
  /** Target coverage of the [lo80, hi80] interval. */
  coverage: number;
  trees: number;
  maxDepth: number | null;
  boostingIterations: number;
  learningRate: number;
  maxLeafNodes: number;
  minSamplesLeaf: number;
  ridgeAlpha: number;
  seed: number;
  workers: number;
};

export const DEFAULT_PRICE_PARAMS: PriceParams = {
  learner: 'auto',
  validationFraction: 0.15,
  coverage: 0.8,
  trees: 200,
  maxDepth: 12,
  boostingIterations: 500,
  learningRate: 0.05,
  maxLeafNodes: 31,
  minSamplesLeaf: 5,
  ridgeAlpha: 1,
  seed: 0,
  workers: 0,
};

export interface PriceFitData {
  rows: readonly Quotation[];
  featureNames: readonly string[];
}

export interface PriceQuery {
  features: FeatureRow;
  cost: number;
}

export interface PriceSuggestion {
  /** The suggested price. */
  mean: number;
  lo80: number;
  hi80: number;
  /** The price this model suggests for an average quotation of this cost; baseValue + Σ contributions = mean. */
  baseValue: number;
  contributions: Record<string, number>;
  reasonCodes: ReasonCode[];
}

/** Scores on the validation window, in price currency, recorded in the artefact next to the choice they justify. */
export interface ValidationReport {
  rows: number;
  from: string;
  to: string;
  chosen: LearnerKind;
  learners: Partial<Record<LearnerKind, ErrorMetrics>>;
  costPlus: ErrorMetrics;
  ridge: ErrorMetrics;
  /** Share of validation quotations inside the calibrated interval (≈ coverage by construction). */
  intervalCoverage: number;
}

interface PriceState {
  featureNames: string[];
  learner: LearnerKind;
  learnerArtifact: ModelArtifact;
  /** Half-width of the interval in log markup. */
  intervalHalfWidth: number;
  validation: ValidationReport;
  trainedRows: number;
}

const FAMILY = 'price';
const FORMAT_VERSION = 1;
/** Fewer validation quotations than this cannot choose a learner or calibrate a range. */
const MIN_VALIDATION_ROWS = 20;

function checkPriceParams(p: PriceParams): void {
  if (p.learner !== 'auto' && !LEARNERS.includes(p.learner)) throw new InputError(`learner must be auto, forest or boosting, got ${String(p.learner)}`, 'learner');
  checkRange('validationFraction', p.validationFraction, 0.01, 0.5);
  checkRange('coverage', p.coverage, 0.01, 0.99);
  checkRange('ridgeAlpha', p.ridgeAlpha, 0, 1e12);
}

function learnerFor(kind: LearnerKind, p: PriceParams): TreeLearner {
  return createLearner(
    kind,
    { trees: p.trees, maxDepth: p.maxDepth, minSamplesLeaf: p.minSamplesLeaf, seed: p.seed, workers: p.workers },
    { iterations: p.boostingIterations, learningRate: p.learningRate, maxLeafNodes: p.maxLeafNodes, minSamplesLeaf: p.minSamplesLeaf, seed: p.seed },
  );
}

function targetOf(table: QuotationTable, rows: Uint32Array): Float64Array {
  return Float64Array.from(rows, (i) => logMarkup(table.price[i], table.cost[i]));
}

function pricesFrom(logMarkups: Float64Array, cost: Float64Array): Float64Array {
  return Float64Array.from(logMarkups, (m, i) => cost[i] * Math.exp(m));
}

export class PriceModel implements Estimator<PriceFitData, readonly PriceQuery[], PriceSuggestion[]> {
  readonly family = FAMILY;
  readonly params: PriceParams;
  private state: PriceState | undefined;
  private learner: TreeLearner | undefined;

  constructor(params: Partial<PriceParams> = {}) {
    this.params = { ...DEFAULT_PRICE_PARAMS, ...params };
    checkPriceParams(this.params);
  }

  async fit({ rows, featureNames }: PriceFitData): Promise<this> {
    const p = this.params;
    const table = quotationTable(rows, featureNames);
    const { train, holdout } = timeSplit(table.quotedAt, p.validationFraction);
    if (holdout.length < MIN_VALIDATION_ROWS || train.length < MIN_VALIDATION_ROWS) {
      throw new InputError(
        `${rows.length} quotations are too few: validation needs ${MIN_VALIDATION_ROWS} of them in the latest ${Math.round(100 * p.validationFraction)}% and as many before`,
        'rows',
      );
    }
    const trainX = selectRows(table.x, train);
    const trainY = targetOf(table, train);
    const validX = selectRows(table.x, holdout);
    const validY = targetOf(table, holdout);
    const validCost = selectValues(table.cost, holdout);
    const validPrice = selectValues(table.price, holdout);

    const candidates: LearnerKind[] = p.learner === 'auto' ? [...LEARNERS] : [p.learner];
    const learners: Partial<Record<LearnerKind, ErrorMetrics>> = {};
    const validPredictions: Partial<Record<LearnerKind, Float64Array>> = {};
    for (const kind of candidates) {
      const learner = await learnerFor(kind, p).fit({ x: trainX, y: trainY, featureNames });
      validPredictions[kind] = learner.predict(validX);
      learners[kind] = errorMetrics(validPrice, pricesFrom(validPredictions[kind]!, validCost));
    }
    const chosen = candidates.reduce((best, kind) => (learners[kind]!.rmse < learners[best]!.rmse ? kind : best));
    const halfWidth = conformalHalfWidth(validY, validPredictions[chosen]!, p.coverage);
    const chosenLog = validPredictions[chosen]!;
    const scores = scoreHoldout(
      table,
      { train, holdout },
      {
        mean: pricesFrom(chosenLog, validCost),
        lo80: Float64Array.from(chosenLog, (m, i) => validCost[i] * Math.exp(m - halfWidth)),
        hi80: Float64Array.from(chosenLog, (m, i) => validCost[i] * Math.exp(m + halfWidth)),
      },
      p.ridgeAlpha,
    );
    const times = Array.from(holdout, (i) => table.quotedAt[i]);

    const allIndices = Uint32Array.from({ length: table.x.rows }, (_, i) => i);
    this.learner = await learnerFor(chosen, p).fit({ x: table.x, y: targetOf(table, allIndices), featureNames });
    this.state = {
      featureNames: [...featureNames],
      learner: chosen,
      learnerArtifact: this.learner.toArtifact(),
      intervalHalfWidth: halfWidth,
      validation: {
        rows: holdout.length,
        from: new Date(Math.min(...times)).toISOString(),
        to: new Date(Math.max(...times)).toISOString(),
        chosen,
        learners,
        costPlus: scores.costPlus,
        ridge: scores.ridge,
        intervalCoverage: scores.intervalCoverage,
      },
      trainedRows: table.x.rows,
    };
    return this;
  }

  private fitted(): { state: PriceState; learner: TreeLearner } {
    if (!this.state || !this.learner) throw new ModelStateError('price model is not fitted: call fit or fromArtifact first');
    return { state: this.state, learner: this.learner };
  }

  /** What fit measured on the validation window: both learners, the baselines, the interval's coverage. */
  get validation(): ValidationReport {
    return this.fitted().state.validation;
  }

  get featureNames(): readonly string[] {
    return this.fitted().state.featureNames;
  }

  /** What fit measured on its validation window, as the registry records metrics. */
  metrics(): Record<string, number> {
    const { state } = this.fitted();
    const v = state.validation;
    const chosen = v.learners[v.chosen]!;
    return {
      rmse: chosen.rmse,
      mae: chosen.mae,
      mape: chosen.mape,
      cost_plus_rmse: v.costPlus.rmse,
      ridge_rmse: v.ridge.rmse,
      coverage80: v.intervalCoverage,
      validation_rows: v.rows,
      trained_rows: state.trainedRows,
    };
  }

  /** A suggestion per quotation; `options` say how reasons are worded. */
  predict(queries: readonly PriceQuery[], options?: ExplainOptions): PriceSuggestion[] {
    return queries.map((q, i) => this.suggest(q.features, q.cost, options, queries.length > 1 ? ` (query ${i})` : ''));
  }

  private suggest(features: FeatureRow, cost: number, options: ExplainOptions = {}, where = ''): PriceSuggestion {
    const { state, learner } = this.fitted();
    const names = state.featureNames;
    const row = new Float64Array(names.length);
    featureVector(features, names, row, 0, where);
    checkCost(cost, where);
    // Prediction and explanation come from the same path walk, so they agree exactly.
    const { bias, byFeature } = contributions(learner.trees, row, names.length);
    let logPrediction = bias;
    for (let f = 0; f < byFeature.length; f++) logPrediction += byFeature[f];
    const baseValue = cost * Math.exp(bias);
    const amounts = currencyAmounts(baseValue, byFeature);
    const contributionsByName: Record<string, number> = {};
    const valuesByName: Record<string, number> = {};
    names.forEach((name, f) => {
      contributionsByName[name] = amounts[f];
      valuesByName[name] = row[f];
    });
    return {
      mean: cost * Math.exp(logPrediction),
      lo80: cost * Math.exp(logPrediction - state.intervalHalfWidth),
      hi80: cost * Math.exp(logPrediction + state.intervalHalfWidth),
      baseValue,
      contributions: contributionsByName,
      reasonCodes: reasonCodes(contributionsByName, valuesByName, options),
    };
  }

  toArtifact(): ModelArtifact<PriceState> {
    const { state } = this.fitted();
    return { family: FAMILY, formatVersion: FORMAT_VERSION, params: { ...this.params }, state };
  }

  static fromArtifact(artifact: ModelArtifact): PriceModel {
    checkArtifact(artifact, FAMILY, FORMAT_VERSION);
    const model = new PriceModel(readParams(artifact.params, DEFAULT_PRICE_PARAMS, FAMILY));
    const state = artifact.state as PriceState;
    model.learner = learnerFromArtifact(state.learner, state.learnerArtifact);
    model.state = state;
    return model;
  }
}
